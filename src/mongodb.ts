import { MongoClient } from 'mongodb';

/**
 * Connects the one MongoDB client of a process (the driver pools connections behind it). Every gateway process,
 * the test harness and the benchmark connect through here, with the same timeouts.
 */
export async function connectMongoDB(
  uri: string,
  appName: string = 'gmail-graphql-gateway',
): Promise<MongoClient> {
  const client = new MongoClient(uri, {
    // Fail a request within about two seconds when MongoDB is gone, rather than the driver's 30 s default.
    serverSelectionTimeoutMS: 1500,
    connectTimeoutMS: 2000,
    appName,
  });
  return client.connect();
}
