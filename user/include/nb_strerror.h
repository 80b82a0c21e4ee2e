/*
 * nb_strerror.h: the name of every status code, in words, for messages:
 * the kernel's (NB_ERR_*, nebulet.h) and the firmament's (FIR_ERR_*,
 * firmament/wire.h, -100 and below; FileSystem's FsStatus, -201 and
 * below). The one table the shell, init, the
 * kernel and the host tools print statuses with. Header-only so that
 * wasm programs, the kernel and host tools all take it as it is.
 */
#ifndef NB_STRERROR_H
#define NB_STRERROR_H

#include "nebulet.h"

/* A status's name, e.g. "access denied"; "unknown status" if none. */
static inline const char *nb_strerror(nb_status s)
{
	static const struct {
		nb_status s;
		const char *name;
	} names[] = {
		{NB_OK, "ok"},
		{NB_ERR_BAD_HANDLE, "bad handle"},
		{NB_ERR_WRONG_TYPE, "wrong type of object"},
		{NB_ERR_ACCESS_DENIED, "access denied"},
		{NB_ERR_INVALID_ARGS, "invalid argument"},
		{NB_ERR_FAULT, "bad address"},
		{NB_ERR_NO_MEMORY, "no memory"},
		{NB_ERR_NO_RESOURCES, "no resources"},
		{NB_ERR_SHOULD_WAIT, "would block"},
		{NB_ERR_PEER_CLOSED, "peer closed"},
		{NB_ERR_TIMED_OUT, "timed out"},
		{NB_ERR_BUFFER_TOO_SMALL, "buffer too small"},
		{NB_ERR_BAD_IMAGE, "not a valid wasm module"},
		{NB_ERR_BAD_STATE, "bad state"},
		{NB_ERR_OUT_OF_RANGE, "out of range"},
		{NB_ERR_NOT_SUPPORTED, "not supported"},
		/* firmament/wire.h's FIR_ERR_* */
		{-100, "malformed message"},
		{-101, "unknown method"},
		{-102, "service unavailable"},
		{-103, "not found"},
		{-104, "already exists"},
		{-105, "internal error"},
		{-106, "invalid request"},
		/* firmament/filesystem.fir's FsStatus */
		{-201, "I/O error or damaged file system"},
		{-202, "no such file or directory"},
		{-203, "file exists"},
		{-204, "not a directory"},
		{-205, "is a directory"},
		{-206, "directory not empty"},
		{-207, "no space left"},
		{-208, "invalid name or argument"},
		{-209, "name too long"},
		{-210, "file is open"},
		{-211, "out of memory"},
		{-212, "file too large"},
		{-213, "not opened for that"},
		{-214, "read-only file system"},
	};

	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].s == s)
			return names[i].name;
	return "unknown status";
}

#endif
