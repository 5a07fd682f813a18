import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BatchAnswerUnreadableError,
  batchRequestBody,
  parseBatchAnswer,
} from '../../src/gmail/batch-multipart';

// Gmail's batch answer, read strictly, starting with the real one recorded from Gmail.

const FIXTURES = join(__dirname, '../fixtures/real-google');
const REAL_ANSWER = readFileSync(join(FIXTURES, 'gmail-batch-response-multipart.txt'), 'utf8');
const REAL_404 = JSON.parse(
  readFileSync(join(FIXTURES, 'gmail-404-not-found-batch-part.json'), 'utf8'),
) as unknown;
const REAL_TYPE = 'multipart/mixed; boundary=batch_QbKPacQzDgVo8GhIZh_46t5tf9-xysgo';

describe('parseBatchAnswer', () => {
  it('reads the real Gmail answer: six messages and a 404, each with its status, headers and JSON body', () => {
    const parts = parseBatchAnswer(REAL_TYPE, REAL_ANSWER);

    expect(parts.map((p) => p.status)).toEqual([200, 200, 200, 200, 200, 200, 404]);
    // The recorded request parts had no Content-ID: Google answers `response-` with nothing after it.
    expect(parts.every((p) => p.contentId === null)).toBe(true);
    expect(parts[0]!.headers).toEqual({
      'content-type': 'application/json; charset=UTF-8',
      vary: 'Referer',
    });
    const first = JSON.parse(parts[0]!.body) as { id: string; internalDate: string; payload: unknown };
    expect(first).toMatchObject({
      id: '17ed3860b714f93e',
      internalDate: '1644225863000',
      payload: { mimeType: 'multipart/digest' },
    });
    expect(JSON.parse(parts[6]!.body)).toEqual(REAL_404);
  });

  it('reads CRLF answers and names each part by the request Content-ID it answers', () => {
    const text = [
      '--b1',
      'Content-Type: application/http',
      'Content-ID: <response-call-0>',
      '',
      'HTTP/1.1 200 OK',
      'Content-Type: application/json; charset=UTF-8',
      '',
      '{"id":"a"}',
      '',
      '--b1',
      'Content-Type: application/http',
      'Content-ID: <response-call-1>',
      '',
      'HTTP/1.1 429 Too Many Requests',
      'Content-Type: application/json; charset=UTF-8',
      'Retry-After: 3',
      '',
      '{"error":{"code":429}}',
      '',
      '--b1--',
      '',
    ].join('\r\n');

    const parts = parseBatchAnswer('multipart/mixed; boundary="b1"', text);

    expect(parts.map((p) => [p.contentId, p.status, p.headers['retry-after']])).toEqual([
      ['<call-0>', 200, undefined],
      ['<call-1>', 429, '3'],
    ]);
    expect(JSON.parse(parts[0]!.body)).toEqual({ id: 'a' });
  });

  it('refuses what is not a Gmail batch answer instead of guessing', () => {
    expect(() => parseBatchAnswer('application/json', '{}')).toThrow(BatchAnswerUnreadableError);
    expect(() => parseBatchAnswer(REAL_TYPE, REAL_ANSWER.replace(/--batch_\S+--\s*$/, ''))).toThrow(
      'no closing delimiter',
    );
    expect(() => parseBatchAnswer(REAL_TYPE, REAL_ANSWER.replace('HTTP/1.1 200 OK', 'HTTP/1.1 OK'))).toThrow(
      'no status line',
    );
    expect(() =>
      parseBatchAnswer(
        REAL_TYPE,
        REAL_ANSWER.replace('Content-Type: application/http', 'Content-Type: text/plain'),
      ),
    ).toThrow('not application/http');
  });
});

describe('batchRequestBody', () => {
  it('writes one application/http GET per call with its Content-ID, CRLF line ends, and the close delimiter', () => {
    expect(
      batchRequestBody('b2', [
        { contentId: '<call-0>', target: '/gmail/v1/users/me/messages/a?format=minimal' },
        { contentId: '<call-1>', target: '/gmail/v1/users/me/messages/b?format=minimal' },
      ]),
    ).toBe(
      [
        '--b2',
        'Content-Type: application/http',
        'Content-ID: <call-0>',
        '',
        'GET /gmail/v1/users/me/messages/a?format=minimal',
        '',
        '',
        '--b2',
        'Content-Type: application/http',
        'Content-ID: <call-1>',
        '',
        'GET /gmail/v1/users/me/messages/b?format=minimal',
        '',
        '',
        '--b2--',
        '',
      ].join('\r\n'),
    );
  });
});
