import { MongoGmailQuotaRepository } from '../../src/quota/mongo-gmail-quota.repository';
import { connectMongoTarget } from '../support/mongo-target';
import { gmailQuotaRepositoryContract } from './gmail-quota-repository.contract';

gmailQuotaRepositoryContract('MongoGmailQuotaRepository', async () => {
  const target = await connectMongoTarget('gmail_quota_repository');
  return {
    db: target.db,
    collectionName: 'gmailQuota',
    create: () => new MongoGmailQuotaRepository(target.db),
    close: () => target.close(),
  };
});
