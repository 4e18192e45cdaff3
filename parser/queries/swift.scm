; Swift: imports, classes, structs, enums (with cases), actors, extensions, protocols (with requirements),
; functions and methods, initializers, deinitializers, subscripts, type aliases, properties.
(import_declaration) @import

(class_declaration declaration_kind: "struct" name: (_) @name) @definition.struct
(class_declaration declaration_kind: "enum" name: (_) @name) @definition.enum
(class_declaration declaration_kind: "extension" name: (_) @name) @definition.extension
(class_declaration name: (_) @name) @definition.class
(protocol_declaration name: (_) @name) @definition.interface

(function_declaration name: (simple_identifier) @name) @definition.function
(protocol_function_declaration name: (simple_identifier) @name) @definition.method
(init_declaration) @definition.constructor
(deinit_declaration) @definition.method
(subscript_declaration) @definition.method
(typealias_declaration name: (_) @name) @definition.type
(associatedtype_declaration name: (_) @name) @definition.type

(property_declaration name: (pattern) @name) @definition.field
(protocol_property_declaration name: (pattern) @name) @definition.field
(enum_entry name: (simple_identifier) @name) @definition.field

; Recovery: a declaration the grammar could not parse whole (e.g. an attribute it does not know).
(ERROR "func" . name: (simple_identifier) @name) @definition.function
