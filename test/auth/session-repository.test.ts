import { MongoSessionRepository } from '../../src/auth/mongo-session.repository';
import { connectMongoTarget } from '../support/mongo-target';
import { sessionRepositoryContract } from './session-repository.contract';

sessionRepositoryContract('MongoSessionRepository', async () => {
  const target = await connectMongoTarget('session_repository');
  return {
    db: target.db,
    client: target.client,
    collectionName: 'sessions',
    create: ({ now, idleSeconds }) =>
      new MongoSessionRepository(target.db, { now, ...(idleSeconds === undefined ? {} : { idleSeconds }) }),
    close: () => target.close(),
  };
});

describe('MongoSessionRepository with an injected random source', () => {
  it('builds the token from the 32 bytes it is given', async () => {
    const target = await connectMongoTarget('session_repository_random');
    try {
      const sessions = new MongoSessionRepository(target.db, {
        randomBytes: (size) => Buffer.alloc(size, 0xfb),
      });

      const { token } = await sessions.create('ada', 60);

      expect(token).toBe(`gs_${Buffer.alloc(32, 0xfb).toString('base64url')}`);
      expect(await sessions.findByToken(token)).toMatchObject({ userId: 'ada' });
    } finally {
      await target.close();
    }
  });
});
