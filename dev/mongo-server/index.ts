export { start, type MongoServer, type MongoServerOptions } from './mongo-server';
