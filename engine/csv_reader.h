/* csv_reader: RFC 4180 CSV, one record at a time, from a string or a file: fields separated by
 * commas; records ended by CRLF, LF or CR; a field in double quotes may hold commas, line
 * breaks and quotes written twice (""); a UTF-8 byte order mark at the start is skipped, and so
 * are blank lines. Strict: a quote inside an unquoted field, text after a closing quote, an
 * unterminated quote and a NUL byte are errors, each with the line it is on. Reading a file
 * keeps one record in memory, not the file.
 *
 * Used by the scenario loader's feeders and by `hornet report` (Locust's CSV files). A reader
 * belongs to one thread. */
#ifndef HORNET_CSV_READER_H
#define HORNET_CSV_READER_H

#include <stddef.h>
#include <stdio.h>

struct csv_reader;

/* One record: n NUL-terminated fields, valid until the next csv_reader_next or csv_reader_free;
 * line is the 1-based line it starts on. */
struct csv_record {
    char **fields;
    size_t n;
    size_t line;
};

/* A reader of the len bytes at text (not copied: text must outlive the reader) or of the file
 * f from its current position (not closed by the reader). NULL on OOM. */
struct csv_reader *csv_reader_text(const char *text, size_t len);
struct csv_reader *csv_reader_file(FILE *f);
void csv_reader_free(struct csv_reader *r);

/* The next record into *rec: 1 a record, 0 the end, -1 an error (csv_reader_error says what,
 * csv_reader_error_line where). After an error every call returns -1. */
int csv_reader_next(struct csv_reader *r, struct csv_record *rec);

/* The last error: "unterminated quoted field", "unexpected 'x' after a quoted field", "a field
 * with a quote must be quoted whole (...)", "not a text file (a NUL byte)", "out of memory",
 * "read error: ..."; "" when none. */
const char *csv_reader_error(const struct csv_reader *r);
/* The line of the last error (an unterminated quote: the line the quote opens on). */
size_t csv_reader_error_line(const struct csv_reader *r);
/* The line the reader is on (after the last record: one past it). */
size_t csv_reader_line(const struct csv_reader *r);

#endif
