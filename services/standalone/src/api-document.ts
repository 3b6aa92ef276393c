import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { authKeysFromPem, buildApiDocument, generateAuthKeyPem } from '@siyu/auth';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { StandaloneModule } from './standalone.module';

/**
 * The merged description of every service (what standalone serves at /api-json), built from the
 * controllers and DTOs in Nest's preview mode: nothing is instantiated, so no database, transport or
 * real key is touched. The console's client types are generated from this (scripts/openapi.js).
 */
export async function standaloneApiDocument(): Promise<OpenAPIObject> {
  const pem = generateAuthKeyPem();
  const app = await NestFactory.create(
    StandaloneModule.register({
      adminDatabaseUrl: 'postgres://describe-only@127.0.0.1:1/none',
      transport: new InProcessTransport(1),
      env: { ...generateSecretsEnv() },
      authKeys: authKeysFromPem(pem.publicKeyPem, pem.privateKeyPem),
      brand: { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' },
      publicBaseUrl: 'http://127.0.0.1:3000',
      announce: () => {},
    }),
    { preview: true, logger: false, abortOnError: false },
  );
  try {
    return buildApiDocument(app, 'standalone');
  } finally {
    await app.close();
  }
}
