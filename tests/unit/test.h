/*
 * A minimal unit-test framework: CHECK macros count passes and failures,
 * TEST_END prints "N passed, N failed" (the line tests/run adds up) and
 * gives the exit status. Each tests/unit/test_*.c is its own binary.
 */
#ifndef HERALD_TEST_H
#define HERALD_TEST_H

#include <stdio.h>
#include <string.h>

static int test_passed, test_failed;

#define CHECK(cond) do {						\
	if (cond)							\
		test_passed++;						\
	else {								\
		test_failed++;						\
		fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0)		\
		test_passed++;						\
	else {								\
		test_failed++;						\
		fprintf(stderr, "%s:%d: FAILED: %s: got \"%s\", "	\
		    "want \"%s\"\n", __FILE__, __LINE__, #got,		\
		    g_ ? g_ : "(null)", w_ ? w_ : "(null)");		\
	}								\
} while (0)

#define CHECK_INT(got, want) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (g_ == w_)							\
		test_passed++;						\
	else {								\
		test_failed++;						\
		fprintf(stderr, "%s:%d: FAILED: %s: got %lld, want %lld\n",\
		    __FILE__, __LINE__, #got, g_, w_);			\
	}								\
} while (0)

#define TEST_END() do {							\
	printf("%d passed, %d failed\n", test_passed, test_failed);	\
	return test_failed != 0;					\
} while (0)

#endif
