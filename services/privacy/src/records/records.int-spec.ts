import { Test } from '@nestjs/testing';
import request from 'supertest';
import { installHttpEdge } from '@siyu/http';
import { InProcessTransport } from '@siyu/messaging';
import { bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { PrivacyModule } from '../privacy.module';

describe('records export (R18)', () => {
  it('gives the privacy officer the processing records and data map, and nobody else', async () => {
    const keys = testAuthKeys();
    const transport = new InProcessTransport();
    const ref = await Test.createTestingModule({
      imports: [
        PrivacyModule.register({
          adminDatabaseUrl: await createTestDatabase('privrec'),
          transport,
          brandId: 'demo',
        }),
      ],
    }).compile();
    const app = ref.createNestApplication({ logger: false });
    installHttpEdge(app, keys);
    await app.init();
    try {
      const officer = await bearer(keys, 'privacy_officer');
      const csv = await request(app.getHttpServer())
        .get('/api/v1/privacy/records/data-map.csv')
        .set('authorization', officer)
        .expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.text).toContain('consent,ledger,subject_ref,subject_ref,consent_proof');
      const md = await request(app.getHttpServer())
        .get('/api/v1/privacy/records/processing-records.md')
        .set('authorization', officer)
        .expect(200);
      expect(md.text).toContain('## orders');
      await request(app.getHttpServer())
        .get('/api/v1/privacy/records/data-map.csv')
        .set('authorization', await bearer(keys, 'marketer'))
        .expect(403);
    } finally {
      await app.close();
      await transport.disconnect();
    }
  });
});
