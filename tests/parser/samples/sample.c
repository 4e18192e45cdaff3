#include <stdio.h>
#include "shapes.h"

#define MAX 10
#define SQUARE(x) ((x) * (x))

/* A point. */
struct point {
    int x;
    int y;
};

typedef struct {
    double radius;
} circle;

enum color { RED, GREEN };

static int count = 0;

int area(const struct point *p);

/* Returns the
   distance. */
double distance(struct point a,
                struct point b)
{
    return 0.0;
}

static char *name_of(int id) {
    return NULL;
}
