import { readFile } from "fs";
import type { Stats } from "fs";

/** The largest size. */
export const MAX = 10;

export interface Shape {
  area(): number;
  name: string;
}

export type Id = string | number;

enum Color {
  Red,
  Green = 2,
}

namespace Geometry {
  export function origin(): number {
    return 0;
  }
}

/**
 * A circle.
 */
@sealed
export class Circle implements Shape {
  radius = 1;
  name: string;

  constructor(radius: number) {
    this.radius = radius;
  }

  @log
  area(): number {
    return Math.PI * this.radius ** 2;
  }
}

export async function load(
  path: string,
  encoding: string,
): Promise<string> {
  return "";
}

export const handler = async (event: unknown): Promise<void> => {
  await load("x", "utf8");
};

export { Circle as Round };
export default Circle;
