import {
  Binary,
  Decimal128,
  Double,
  Long,
  MongoServerError,
  ObjectId,
  UUID,
  type Collection,
  type Db,
} from 'mongodb';
import { startMongoTarget, type MongoTarget } from '../../support/mongo-target';
import { type TestDoc } from './target';

describe('mongo-server: documents through the driver', () => {
  let target: MongoTarget;
  let db: Db;

  beforeAll(async () => {
    target = await startMongoTarget('documents');
    db = await target.db();
  });
  afterAll(() => target.close());

  async function seeded(name: string): Promise<Collection<TestDoc>> {
    const collection = db.collection<TestDoc>(name);
    await collection.insertMany([
      { _id: 'ada', name: 'Ada', age: 36, tags: ['math', 'code'], address: { city: 'London' } },
      { _id: 'bob', name: 'Bob', age: 25, tags: ['code'], address: { city: 'Paris' } },
      { _id: 'cy', name: 'Cy', age: 41, tags: [], address: { city: 'London' } },
      { _id: 'di', name: 'Di', age: 25, tags: ['art'] },
    ]);
    return collection;
  }

  it('gives a document inserted without _id a new ObjectId, by which it is found again', async () => {
    const collection = db.collection<{ _id?: ObjectId; subject: string }>('generated_ids');

    const { insertedId } = await collection.insertOne({ subject: 'hello' });

    expect(insertedId).toBeInstanceOf(ObjectId);
    expect(await collection.findOne({ _id: insertedId })).toEqual({ _id: insertedId, subject: 'hello' });
  });

  it('finds a document by _id alone, with a projection, with skip, and by a number of another type', async () => {
    const people = await seeded('by_id');
    const numbers = db.collection<TestDoc>('by_numeric_id');
    await numbers.insertOne({ _id: 7, label: 'seven' } as TestDoc);

    expect(await people.findOne({ _id: 'bob' })).toEqual({
      _id: 'bob',
      name: 'Bob',
      age: 25,
      tags: ['code'],
      address: { city: 'Paris' },
    });
    expect(await people.findOne({ _id: 'bob' }, { projection: { name: 1, _id: 0 } })).toEqual({
      name: 'Bob',
    });
    expect(await people.find({ _id: 'bob' }).skip(1).toArray()).toEqual([]);
    expect(await people.findOne({ _id: 'nobody' })).toBeNull();
    expect(await people.findOne({ _id: 'bob', age: 99 })).toBeNull();
    expect(await numbers.findOne({ _id: new Double(7) })).toEqual({ _id: 7, label: 'seven' });
    expect(await numbers.findOne({ _id: Long.fromNumber(7) })).toEqual({ _id: 7, label: 'seven' });
  });

  it('returns ObjectId, Date, Long, Binary, Decimal128, UUID, nested documents and arrays as they were written', async () => {
    const collection = db.collection<TestDoc>('bson_types');
    const written = {
      _id: new ObjectId(),
      at: new Date('2026-03-01T09:00:00.123Z'),
      big: Long.fromString('9007199254740993'),
      small: Long.fromNumber(7),
      bytes: new Binary(Buffer.from([0, 1, 2, 255])),
      price: Decimal128.fromString('12.345'),
      uuid: new UUID('a6a1ab3e-0bd5-4b6e-8a5d-1f3b6c0d2e4f'),
      ratio: new Double(0.25),
      nested: { list: [1, 'two', { three: true }], empty: {}, nothing: null },
    };

    await collection.insertOne(written);
    const read = await collection.findOne({ _id: written._id }, { promoteLongs: false });

    expect(read).toEqual({ ...written, ratio: 0.25, uuid: written.uuid.toBinary() });
    expect(await collection.findOne({ big: Long.fromString('9007199254740993') })).not.toBeNull();
    expect(await collection.findOne({ at: { $gt: new Date('2026-03-01T09:00:00.000Z') } })).not.toBeNull();
  });

  it('finds with a filter, sort, projection, skip and limit', async () => {
    const people = await seeded('find_options');

    const page = await people
      .find({ age: { $lt: 40 } }, { projection: { _id: 0, name: 1, 'address.city': 1 } })
      .sort({ age: 1, name: -1 })
      .skip(1)
      .limit(2)
      .toArray();

    expect(page).toEqual([
      { name: 'Bob', address: { city: 'Paris' } },
      { name: 'Ada', address: { city: 'London' } },
    ]);
  });

  it('matches array elements, nested paths and $in, $exists, $regex', async () => {
    const people = await seeded('find_operators');
    const names = async (filter: object) =>
      (await people.find(filter).sort({ _id: 1 }).toArray()).map((person) => person.name);

    expect(await names({ tags: 'code' })).toEqual(['Ada', 'Bob']);
    expect(await names({ 'address.city': 'London' })).toEqual(['Ada', 'Cy']);
    expect(await names({ age: { $in: [25, 41] } })).toEqual(['Bob', 'Cy', 'Di']);
    expect(await names({ address: { $exists: false } })).toEqual(['Di']);
    expect(await names({ name: { $regex: '^[ab]', $options: 'i' } })).toEqual(['Ada', 'Bob']);
  });

  it('replaces a whole document with replaceOne, keeping its _id', async () => {
    const people = await seeded('replace');

    const result = await people.replaceOne({ name: 'Bob' }, { name: 'Robert' });

    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await people.findOne({ _id: 'bob' })).toEqual({ _id: 'bob', name: 'Robert' });
  });

  it('deletes one match with deleteOne and every match with deleteMany', async () => {
    const people = await seeded('delete');

    expect(await people.deleteOne({ age: 25 })).toMatchObject({ deletedCount: 1 });
    expect(await people.countDocuments({ age: 25 })).toBe(1);
    expect(await people.deleteMany({ 'address.city': 'London' })).toMatchObject({ deletedCount: 2 });
    expect(await people.deleteMany({ name: 'nobody' })).toMatchObject({ deletedCount: 0 });
    expect(await people.find().toArray()).toHaveLength(1);
  });

  it('counts with countDocuments (filter, skip, limit) and estimatedDocumentCount', async () => {
    const people = await seeded('count');

    expect(await people.countDocuments()).toBe(4);
    expect(await people.countDocuments({ age: 25 })).toBe(2);
    expect(await people.countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect(await people.countDocuments({ age: 99 })).toBe(0);
    expect(await people.estimatedDocumentCount()).toBe(4);
    expect(await db.collection<TestDoc>('never_written').countDocuments()).toBe(0);
  });

  it('lists distinct values, looking inside arrays, optionally filtered', async () => {
    const people = await seeded('distinct');

    expect((await people.distinct('tags')).sort()).toEqual(['art', 'code', 'math']);
    expect((await people.distinct('age', { 'address.city': 'London' })).sort()).toEqual([36, 41]);
  });

  it('aggregates with $match, $unwind, $group and $sort', async () => {
    const people = await seeded('aggregate');

    const perTag = await people
      .aggregate([
        { $match: { age: { $lt: 40 } } },
        { $unwind: '$tags' },
        { $group: { _id: '$tags', people: { $sum: 1 }, names: { $push: '$name' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();

    expect(perTag).toEqual([
      { _id: 'art', people: 1, names: ['Di'] },
      { _id: 'code', people: 2, names: ['Ada', 'Bob'] },
      { _id: 'math', people: 1, names: ['Ada'] },
    ]);
    expect(await people.findOne({ _id: 'ada' })).toMatchObject({ tags: ['math', 'code'] });
  });

  it('joins another collection of the database with $lookup', async () => {
    await seeded('lookup_people');
    const cities = db.collection<TestDoc>('lookup_cities');
    await cities.insertMany([{ _id: 'London', country: 'UK' }]);

    const joined = await db
      .collection<TestDoc>('lookup_people')
      .aggregate([
        { $match: { _id: 'ada' } },
        { $lookup: { from: 'lookup_cities', localField: 'address.city', foreignField: '_id', as: 'city' } },
        { $project: { _id: 0, name: 1, country: { $first: '$city.country' } } },
      ])
      .toArray();

    expect(joined).toEqual([{ name: 'Ada', country: 'UK' }]);
  });

  it('refuses a second document with the same _id with E11000 on the _id_ index', async () => {
    const collection = db.collection<{ _id: string }>('duplicate_ids');
    await collection.insertOne({ _id: 'same' });

    const error = await collection.insertOne({ _id: 'same' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({
      code: 11000,
      keyPattern: { _id: 1 },
      keyValue: { _id: 'same' },
      message: `E11000 duplicate key error collection: ${db.databaseName}.duplicate_ids index: _id_ dup key: { _id: "same" }`,
    });
  });
});
