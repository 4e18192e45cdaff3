use std::fmt;
use std::collections::HashMap;

/// The largest size.
pub const MAX: usize = 10;
static COUNT: u32 = 0;

/// A point.
#[derive(Debug, Clone)]
pub struct Point {
    pub x: f64,
    y: f64,
}

pub enum Shape {
    Circle(f64),
    Square { side: f64 },
}

pub trait Area {
    fn area(&self) -> f64;
}

impl Area for Point {
    fn area(&self) -> f64 {
        0.0
    }
}

impl Point {
    /// Makes a point.
    pub fn new(
        x: f64,
        y: f64,
    ) -> Self {
        Point { x, y }
    }
}

pub type Map = HashMap<String, Point>;

macro_rules! square {
    ($x:expr) => { $x * $x };
}

mod tests {
    fn helper() {}
}
