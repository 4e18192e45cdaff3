import Foundation

/// A shape.
protocol Shape {
    func area() -> Double
    var name: String { get }
}

@objc
public class Circle: NSObject, Shape {
    let radius: Double
    var name: String = "circle"

    init(radius: Double) {
        self.radius = radius
    }

    func area() -> Double {
        return Double.pi * radius * radius
    }
}

struct Point {
    var x: Double
}

enum Color {
    case red, green
}

extension Point {
    func moved(
        by dx: Double
    ) -> Point {
        return Point(x: x + dx)
    }
}

typealias Points = [Point]
