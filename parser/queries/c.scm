; C: includes, functions (definitions, and prototypes among the declarations), structs, unions, enums
; (with enumerators), typedefs, macros, struct members, global variables.
; A `@definition.declaration` becomes a function (its declarator declares one), a field (in a struct) or a
; constant (at top level); its name is the innermost declarator's (see extract._c_declarator).
(preproc_include) @import

(function_definition) @definition.function
(declaration) @definition.declaration
(field_declaration) @definition.declaration
(type_definition) @definition.type

(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.union
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(preproc_def name: (identifier) @name) @definition.constant
(preproc_function_def name: (identifier) @name) @definition.macro
(enumerator name: (identifier) @name) @definition.field
