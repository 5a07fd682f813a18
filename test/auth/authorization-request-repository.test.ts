import { MongoAuthorizationRequestRepository } from '../../src/auth/mongo-authorization-request.repository';
import { connectMongoTarget } from '../support/mongo-target';
import { authorizationRequestRepositoryContract } from './authorization-request-repository.contract';

authorizationRequestRepositoryContract('MongoAuthorizationRequestRepository', async () => {
  const target = await connectMongoTarget('authorization_request_repository');
  return {
    db: target.db,
    collectionName: 'authorizationRequests',
    create: ({ now }) => new MongoAuthorizationRequestRepository(target.db, { now }),
    close: () => target.close(),
  };
});
