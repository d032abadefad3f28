import { loadSpec, type SpecResult, SwaggerSpec } from './spec';

/**
 * AdobeDocs admin-schema-2.4.9 (Swagger 2.0, basePath /rest/default) from SPECS_DIR. Paths are
 * matched without the `/rest[/<store>]` prefix, so `/rest/V1/orders/{id}` works.
 *
 * One adaptation: `error-parameters` is typed as an array in the spec, but Magento sends an object
 * for named placeholders (`{"resources": "Magento_Sales::actions_view"}` in the 401 body; see
 * reference/magento-rest-api.md §1 and §8, ErrorProcessor). It accepts both.
 */
export function magentoSpec(): SwaggerSpec | undefined {
  return loadSpec(
    'magento',
    'magento-swagger.json',
    (p) =>
      new SwaggerSpec(
        'magento',
        p,
        { 'error-parameters': { type: ['array', 'object'], description: 'list for %1, object for %name' } },
        /^\/rest(\/[^/]+)?(?=\/V1\/)/,
      ),
  );
}

const absent: SpecResult = {
  valid: true,
  errors: [],
  skipped: 'magento-swagger.json not found in SPECS_DIR',
};

export function validateAgainstMagentoSpec(
  method: string,
  pathTemplate: string,
  status: number,
  body: unknown,
): SpecResult {
  return magentoSpec()?.validate('response', method, pathTemplate, status, body) ?? absent;
}

export function validateMagentoRequest(method: string, pathTemplate: string, body: unknown): SpecResult {
  return magentoSpec()?.validate('request', method, pathTemplate, 0, body) ?? absent;
}
