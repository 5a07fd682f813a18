import type { AttachmentTokenCodec } from '../attachments/attachment-token';
import { sanitizeEmailHtml, type SanitizedEmailHtml } from '../mail/html-sanitizer';
import { readMessageBody, type MailAttachment } from '../mail/message-body';
import type { LoadedMessage } from './gmail-reads';

// A full message made readable for one user: its attachments with download URLs and its body, whose HTML is
// sanitized on the server with cid: images pointing at those URLs. Made once per message and request.

/** Where download URLs point: the gateway's attachments route, same origin as /graphql. */
export const ATTACHMENTS_PATH = '/attachments/';

export interface ReadableAttachment {
  readonly id: string;
  readonly filename: string;
  readonly mimeType: string;
  readonly size: number;
  readonly downloadUrl: string;
}

export interface ReadableBody {
  readonly text: string | null;
  /** The sanitized HTML (null when the message has no HTML part), remote images kept only when allowed. */
  html(allowRemoteImages: boolean): SanitizedEmailHtml | null;
  readonly hasRemoteImages: boolean;
}

export interface ReadableMessage {
  readonly body: ReadableBody;
  readonly attachments: readonly ReadableAttachment[];
}

export function readableMessage(
  userId: string,
  message: LoadedMessage,
  tokens: AttachmentTokenCodec,
): ReadableMessage {
  const content = readMessageBody(message.payload);
  const attachments = content.attachments.map((part) => ({
    part,
    readable: {
      id: part.partId,
      filename: part.filename,
      mimeType: part.mimeType,
      size: part.size,
      downloadUrl: ATTACHMENTS_PATH + tokens.seal(grantOf(userId, message.ref.id, part)),
    },
  }));
  const byContentId = new Map(
    attachments.flatMap(({ part, readable }) =>
      part.contentId === null ? [] : [[part.contentId, readable.downloadUrl] as const],
    ),
  );
  const sanitized = new Map<boolean, SanitizedEmailHtml | null>();
  const html = (allowRemoteImages: boolean): SanitizedEmailHtml | null => {
    if (content.unsafeHtml === null) return null;
    let result = sanitized.get(allowRemoteImages);
    if (result === undefined) {
      result = sanitizeEmailHtml(content.unsafeHtml, {
        allowRemoteImages,
        resolveCid: (contentId) => byContentId.get(contentId) ?? null,
      });
      sanitized.set(allowRemoteImages, result);
    }
    return result;
  };
  return {
    body: {
      text: content.text,
      html,
      get hasRemoteImages() {
        return html(false)?.hasRemoteImages ?? false;
      },
    },
    attachments: attachments.map(({ readable }) => readable),
  };
}

function grantOf(userId: string, messageId: string, part: MailAttachment) {
  return {
    userId,
    messageId,
    attachmentId: part.source === 'attachments.get' ? part.attachmentId : null,
    partId: part.partId,
    filename: part.filename,
    mimeType: part.mimeType,
    size: part.size,
  };
}
