; PHP: namespaces, uses, classes, interfaces, traits, enums (with cases), functions, methods,
; class constants, properties, top-level constants.
(namespace_use_declaration) @import

(namespace_definition name: (_) @name) @definition.module
(class_declaration name: (name) @name) @definition.class
(interface_declaration name: (name) @name) @definition.interface
(trait_declaration name: (name) @name) @definition.trait
(enum_declaration name: (name) @name) @definition.enum
(function_definition name: (name) @name) @definition.function
(method_declaration name: (name) @name) @definition.method

(const_declaration (const_element (name) @name)) @definition.constant
(property_declaration (property_element (variable_name (name) @name))) @definition.field
(enum_case name: (name) @name) @definition.field
