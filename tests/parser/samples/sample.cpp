#include <string>
#include <vector>

namespace shapes {

// A shape.
class Shape {
public:
    virtual ~Shape() = default;
    virtual double area() const = 0;
    std::string name;
};

template <typename T>
struct Box {
    T value;
};

using Names = std::vector<std::string>;

double Shape::area() const {
    return 0.0;
}

Shape& operator<<(Shape& s, int v) {
    return s;
}

}  // namespace shapes
