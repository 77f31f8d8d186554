/*
 * The parsed form of an audience filter (src/audience/filter.c): a tree
 * of nodes. A type header: the store walks it to build SQL
 * (store_filter.c) without calling the parser.
 */
#ifndef HERALD_FILTER_TYPES_H
#define HERALD_FILTER_TYPES_H

#include <stddef.h>

enum filter_kind {
	FILTER_AND,		/* left and right */
	FILTER_OR,		/* left or right */
	FILTER_NOT,		/* not left */
	FILTER_CMP,		/* field op value */
	FILTER_IN,		/* field in (values...) */
	FILTER_EMPTY,		/* field is empty (negated: is not empty) */
};

enum filter_field {
	FILTER_EMAIL,		/* the address */
	FILTER_DOMAIN,		/* its part after the last '@' */
	FILTER_NAME,		/* the display name */
	FILTER_ATTR,		/* an imported attribute, by name (attr) */
};

enum filter_op {
	FILTER_EQ, FILTER_NE, FILTER_LT, FILTER_LE, FILTER_GT, FILTER_GE,
	FILTER_HAS,		/* ~: substring, letter case ignored */
};

enum filter_vtype {
	FILTER_STRING,
	FILTER_NUMBER,		/* text: -?digits[.digits] as written */
	FILTER_DATE,		/* text: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS */
};

struct filter_value {
	enum filter_vtype	 type;
	char			*text;	/* the string, unquoted; canonical
					 * number or date */
};

struct filter {
	enum filter_kind	 kind;
	struct filter		*left, *right;	/* AND, OR; NOT: left */
	enum filter_field	 field;		/* CMP, IN, EMPTY */
	char			*attr;		/* FILTER_ATTR: its name */
	enum filter_op		 op;		/* CMP */
	int			 negated;	/* EMPTY: "is not empty" */
	struct filter_value	*values;	/* CMP: 1; IN: nvalues */
	size_t			 nvalues;
};

#endif
