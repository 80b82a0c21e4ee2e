/*
 * list.h: intrusive doubly-linked lists. An element embeds a struct
 * klink; a list is a pointer to its first link (NULL when empty).
 * klink_push puts a link at the front, klink_unlink takes one out from
 * anywhere, both in constant time; KLINK_OWNER gets the element back
 * from its link. No locking: the caller guards the list (cycle.c's
 * candidates, kmem.c's accounts).
 */
#ifndef KERNEL_LIST_H
#define KERNEL_LIST_H

#include <stddef.h>

struct klink {
	struct klink *next, *prev;
};

/* The element of type `type` whose member `field` is the link l. */
#define KLINK_OWNER(l, type, field)                                            \
	((type *)(void *)((char *)(l)-offsetof(type, field)))

/* Puts l at the front of the list *head. */
static inline void klink_push(struct klink **head, struct klink *l)
{
	l->prev = NULL;
	l->next = *head;
	if (*head)
		(*head)->prev = l;
	*head = l;
}

/* Takes l (which is on the list *head) out of it. */
static inline void klink_unlink(struct klink **head, struct klink *l)
{
	if (l->prev)
		l->prev->next = l->next;
	else
		*head = l->next;
	if (l->next)
		l->next->prev = l->prev;
	l->next = l->prev = NULL;
}

#endif
