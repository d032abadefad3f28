import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';

export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description:
      'API key: `Authorization: Bearer <key>`. Create one with `pnpm cli api-key create --role admin --name <name>`.',
  });
  return registry;
}

export function generateDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'magento-plenty-connector config API',
      version: '1.0.0',
      description:
        'Connections, profiles, scoped settings, lookups, sync logs and actions. Errors are application/problem+json ' +
        '({type, title, status, detail, errors:[{path, message}]}). Viewers read, admins write.',
    },
    servers: [{ url: '/' }],
  });
}
