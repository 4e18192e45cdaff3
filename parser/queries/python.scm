; Python: classes, functions/methods (any depth), module constants, class attributes, imports.
(import_statement) @import
(import_from_statement) @import
(future_import_statement) @import

(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function

(module (assignment left: (identifier) @name) @definition.constant)
(class_definition body: (block (assignment left: (identifier) @name) @definition.field))
(type_alias_statement left: (type (identifier) @name)) @definition.type
