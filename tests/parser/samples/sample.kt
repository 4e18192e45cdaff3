package com.example.shapes

import kotlin.math.PI
import kotlin.math.sqrt

/** A shape. */
interface Shape {
    fun area(): Double
}

@JvmInline
data class Circle(val radius: Double) : Shape {
    override fun area(): Double = PI * radius * radius

    companion object {
        const val UNIT = 1.0
        fun unit() = Circle(UNIT)
    }
}

enum class Color { RED, GREEN }

object Registry {
    val shapes = mutableListOf<Shape>()
}

typealias Shapes = List<Shape>

fun distance(
    a: Double,
    b: Double,
): Double {
    return sqrt(a * a + b * b)
}
