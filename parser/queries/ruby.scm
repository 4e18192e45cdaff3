; Ruby: requires, modules, classes, singleton classes, methods, singleton methods (def self.x),
; constants.
((call method: (identifier) @_method) @import
  (#any-of? @_method "require" "require_relative" "load"))

(module name: (_) @name) @definition.module
(class name: (_) @name) @definition.class
(singleton_class value: (_) @name) @definition.class
(method name: (_) @name) @definition.function
(singleton_method name: (_) @name) @definition.function
(assignment left: (constant) @name) @definition.constant
