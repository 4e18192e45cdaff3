const path = require("path");
import fs from "fs";

const LIMIT = 5;

class Router {
  routes = [];

  get size() {
    return this.routes.length;
  }

  handle(req, res) {
    return null;
  }
}

function* ids() {
  yield 1;
}

exports.render = function render(view) {
  return view;
};

module.exports = Router;
