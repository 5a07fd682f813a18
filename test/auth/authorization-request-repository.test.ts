import { MongoAuthorizationRequestRepository } from '../../src/auth/mongo-authorization-request.repository';
import { TokenCipher } from '../../src/credentials/token-cipher';
import { connectMongoTarget } from '../support/mongo-target';
import { authorizationRequestRepositoryContract } from './authorization-request-repository.contract';

authorizationRequestRepositoryContract('MongoAuthorizationRequestRepository', async () => {
  const target = await connectMongoTarget('authorization_request_repository');
  return {
    db: target.db,
    collectionName: 'authorizationRequests',
    create: ({ keys, now }) =>
      new MongoAuthorizationRequestRepository(target.db, new TokenCipher(keys), { now }),
    close: () => target.close(),
  };
});
