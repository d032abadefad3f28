import { loadSpec, type SpecResult, SwaggerSpec } from './spec';

/** plentymarkets/api-doc openApiV2WithExamples.min.json (Swagger 2.0) from SPECS_DIR. */
export function plentySpec(): SwaggerSpec | undefined {
  return loadSpec('plenty', 'plenty-openapi.json', (p) => new SwaggerSpec('plenty', p));
}

const absent: SpecResult = { valid: true, errors: [], skipped: 'plenty-openapi.json not found in SPECS_DIR' };

/** Validates a Plenty response body against the spec (method + path template like `/rest/orders/{orderId}`). */
export function validateAgainstPlentySpec(
  method: string,
  pathTemplate: string,
  status: number,
  body: unknown,
): SpecResult {
  return plentySpec()?.validate('response', method, pathTemplate, status, body) ?? absent;
}

/** Validates a request body (for HTTP-client tests) against the spec's body parameter schema. */
export function validatePlentyRequest(method: string, pathTemplate: string, body: unknown): SpecResult {
  return plentySpec()?.validate('request', method, pathTemplate, 0, body) ?? absent;
}
