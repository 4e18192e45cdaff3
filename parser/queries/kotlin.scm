; Kotlin: package, imports, classes (interface/enum/data/sealed), objects, companion objects, functions and
; methods, constructors, type aliases, properties, enum entries.
(package_header) @definition.package
(import_header) @import

(class_declaration "interface" (type_identifier) @name) @definition.interface
(class_declaration "enum" (type_identifier) @name) @definition.enum
(class_declaration (type_identifier) @name) @definition.class
(object_declaration (type_identifier) @name) @definition.object
(companion_object (type_identifier)? @name) @definition.object
(function_declaration (simple_identifier) @name) @definition.function
(secondary_constructor) @definition.constructor
(type_alias (type_identifier) @name) @definition.type

(property_declaration (variable_declaration (simple_identifier) @name)) @definition.field
(enum_entry (simple_identifier) @name) @definition.field

; Recovery: a declaration the grammar could not parse whole.
(ERROR "class" . (simple_identifier) @name) @definition.class
(ERROR "fun" . (simple_identifier) @name) @definition.function
((ERROR (simple_identifier) @name . (simple_identifier) @_object) @definition.object
  (#eq? @name "companion") (#eq? @_object "object"))
