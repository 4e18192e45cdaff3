; TypeScript and TSX: classes, interfaces, type aliases, enums, namespaces, functions, methods,
; arrow functions bound to names, module constants, class fields and interface properties, imports/exports.
(import_statement) @import
(export_statement !declaration) @export

(class_declaration name: (_) @name) @definition.class
(abstract_class_declaration name: (_) @name) @definition.class
(interface_declaration name: (_) @name) @definition.interface
(type_alias_declaration name: (_) @name) @definition.type
(enum_declaration name: (_) @name) @definition.enum
(internal_module name: (_) @name) @definition.module
(module name: (_) @name) @definition.module

(function_declaration name: (_) @name) @definition.function
(generator_function_declaration name: (_) @name) @definition.function
(function_signature name: (_) @name) @definition.function
(method_definition name: (_) @name) @definition.method
(method_signature name: (_) @name) @definition.method
(abstract_method_signature name: (_) @name) @definition.method
(construct_signature "new" @name) @definition.method
(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function
(assignment_expression
  left: (member_expression) @name
  right: [(arrow_function) (function_expression) (generator_function)]) @definition.function

(program (lexical_declaration (variable_declarator name: (_) @name)) @definition.constant)
(program (variable_declaration (variable_declarator name: (_) @name)) @definition.constant)
(program (export_statement declaration: (lexical_declaration (variable_declarator name: (_) @name)) @definition.constant))
(program (export_statement declaration: (variable_declaration (variable_declarator name: (_) @name)) @definition.constant))
(program (ambient_declaration (lexical_declaration (variable_declarator name: (_) @name)) @definition.constant))
(program (ambient_declaration (variable_declaration (variable_declarator name: (_) @name)) @definition.constant))

(public_field_definition name: (_) @name) @definition.field
(property_signature name: (_) @name) @definition.field
(enum_body (property_identifier) @name @definition.field)
(enum_body (enum_assignment name: (_) @name) @definition.field)
(function_expression name: (identifier) @name) @definition.function
