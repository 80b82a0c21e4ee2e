/* errno.h for the kernel image (libk). One CPU, one errno. */
#ifndef LIBK_ERRNO_H
#define LIBK_ERRNO_H

extern int errno;

#define EDOM 33
#define ERANGE 34
#define ENOMEM 12
#define EINVAL 22
#define EIO 5

#endif
