; C++: includes, usings, namespaces, classes, structs, unions, enums (with enumerators), functions and
; methods (definitions, and declarations: prototypes, in-class method declarations, operators, conversion
; operators, destructors, qualified `A::f` definitions), type aliases, typedefs, macros, members, globals.
; A `@definition.declaration` becomes a function, a field (in a class) or a constant (at namespace level);
; its name is the innermost declarator's (see extract._c_declarator).
(preproc_include) @import
(using_declaration) @import

(namespace_definition name: (_) @name) @definition.module
(class_specifier name: (_) @name body: (_)) @definition.class
(struct_specifier name: (_) @name body: (_)) @definition.struct
(union_specifier name: (_) @name body: (_)) @definition.union
(enum_specifier name: (_) @name body: (_)) @definition.enum

(function_definition) @definition.function
(declaration) @definition.declaration
(field_declaration) @definition.declaration
(type_definition) @definition.type
(alias_declaration name: (_) @name) @definition.type

(preproc_def name: (identifier) @name) @definition.constant
(preproc_function_def name: (identifier) @name) @definition.macro
(enumerator name: (identifier) @name) @definition.field
