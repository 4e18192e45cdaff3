using System;
using System.Collections.Generic;

namespace Shapes
{
    /// <summary>
    /// A shape.
    /// </summary>
    public interface IShape
    {
        double Area();
    }

    [Serializable]
    public class Circle : IShape
    {
        public const double Pi = 3.14;
        private double radius;

        public double Radius { get; set; }

        public Circle(double radius)
        {
            this.radius = radius;
        }

        public double Area()
        {
            return Pi * radius * radius;
        }
    }

    public struct Point { public int X; }

    public enum Color { Red, Green }
}
