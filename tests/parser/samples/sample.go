// Package shapes draws shapes.
package shapes

import (
	"fmt"
	"math"
)

const Pi = 3.14

var (
	count = 0
)

// Shape is anything with an area.
type Shape interface {
	Area() float64
}

// Circle is round.
type Circle struct {
	Radius float64
	name   string
}

type ID int

// Area returns the area.
func (c *Circle) Area() float64 {
	return math.Pi * c.Radius * c.Radius
}

func New(
	radius float64,
	name string,
) *Circle {
	fmt.Println(count)
	return &Circle{radius, name}
}
