<?php

namespace App\Shapes;

use App\Base\Shape;
use App\Base\Area;

const MAX = 10;

interface HasArea
{
    public function area(): float;
}

trait Named
{
    public function name(): string
    {
        return static::class;
    }
}

/**
 * A circle.
 */
class Circle extends Shape implements HasArea
{
    use Named;

    const PI = 3.14;
    private float $radius;

    public function __construct(float $radius)
    {
        $this->radius = $radius;
    }

    public function area(): float
    {
        return self::PI * $this->radius ** 2;
    }
}

function helper(int $a, int $b = 2): int
{
    return $a + $b;
}
