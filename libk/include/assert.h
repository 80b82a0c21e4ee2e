/* assert.h for the kernel image (libk): a failed assertion is a panic. */
#ifndef LIBK_ASSERT_H
#define LIBK_ASSERT_H

_Noreturn void __libk_assert_fail(const char *expr, const char *file, int line);

#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : __libk_assert_fail(#e, __FILE__, __LINE__))
#endif

#ifndef static_assert
#define static_assert _Static_assert
#endif

#endif
