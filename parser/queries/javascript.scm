; JavaScript (.js .jsx .mjs .cjs): classes, functions, methods, functions bound to names or properties,
; module constants, class fields, imports/exports.
(import_statement) @import
(export_statement !declaration) @export

(class_declaration name: (_) @name) @definition.class
(function_declaration name: (_) @name) @definition.function
(generator_function_declaration name: (_) @name) @definition.function
(method_definition name: (_) @name) @definition.method
(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function) (class)]) @definition.function
(assignment_expression
  left: (member_expression) @name
  right: [(arrow_function) (function_expression) (generator_function)]) @definition.function

(program (lexical_declaration (variable_declarator name: (_) @name)) @definition.constant)
(program (variable_declaration (variable_declarator name: (_) @name)) @definition.constant)
(program (export_statement declaration: (lexical_declaration (variable_declarator name: (_) @name)) @definition.constant))
(program (export_statement declaration: (variable_declaration (variable_declarator name: (_) @name)) @definition.constant))

(field_definition property: (_) @name) @definition.field
(assignment_expression
  left: (subscript_expression) @name
  right: [(arrow_function) (function_expression) (generator_function)]) @definition.function
(function_expression name: (identifier) @name) @definition.function
