/* version: hornet's version string, shown by --version, in User-Agent and in reports. */
#ifndef HORNET_VERSION_H
#define HORNET_VERSION_H
#define HORNET_VERSION "0.1.0"
#endif
