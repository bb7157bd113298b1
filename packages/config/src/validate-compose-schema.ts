import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import type { ValidationProblem } from './validation-problem';

let validator: ValidateFunction | undefined;

/** The official Compose Specification schema, vendored in schemas/ (see schemas/NOTICE). */
function composeValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(__dirname, '..', 'schemas', 'compose-spec.json'), 'utf8')) as Record<string, unknown>;
    delete schema.$schema;
    // strict off: the spec uses annotation keywords Ajv does not know; it still validates every constraint.
    validator = new Ajv({ strict: false, allErrors: true }).compile(schema);
  }
  return validator;
}

export function validateComposeSchema(file: string, doc: unknown): ValidationProblem[] {
  const validate = composeValidator();
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => ({
    rule: 'schema',
    file,
    message: `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''} — fix the renderer so the output follows the Compose Specification`,
  }));
}
