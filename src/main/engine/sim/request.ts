/**
 * The chat-completions request body, validated where it enters. Loose on purpose: real clients send
 * many fields we do not use (`tools`, `logit_bias`, `response_format`, vendor extras), and those must
 * not break a request. Fields we do read are type-checked, so a wrong type is a clear 400.
 */
import { z } from 'zod';

const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const Message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
});

const positiveInt = z.number().int().positive().nullable().optional();

export const ChatCompletionRequest = z.looseObject({
  // Any model id is accepted (clients are often configured for a real model), and echoed back.
  model: z.string().optional(),
  messages: z.array(Message).min(1, 'must contain at least one message'),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  max_tokens: positiveInt,
  max_completion_tokens: positiveInt,
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  n: z.literal(1, 'only n=1 is supported').nullable().optional(),
  seed: z.number().int().nullable().optional(),
  user: z.string().optional(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;
export type ChatMessageIn = z.infer<typeof Message>;

export type ParsedRequest =
  { ok: true; request: ChatCompletionRequest } | { ok: false; message: string; param: string | null };

/** Parses a raw body. Errors name the offending parameter as OpenAI does (`messages[0].content`). */
export function parseChatRequest(raw: string): ParsedRequest {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return {
      ok: false,
      message: 'We could not parse the JSON body of your request. Expected a JSON object.',
      param: null,
    };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, message: 'The request body must be a JSON object.', param: null };
  }
  const parsed = ChatCompletionRequest.safeParse(json);
  if (parsed.success) return { ok: true, request: parsed.data };
  const issue = parsed.error.issues[0]!;
  const param = formatPath(issue.path);
  return { ok: false, message: param ? `Invalid '${param}': ${issue.message}` : issue.message, param };
}

function formatPath(path: readonly PropertyKey[]): string | null {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || null;
}

/** The text of a message: its string content, or its text parts joined. */
export function messageText(message: ChatMessageIn): string {
  const c = message.content;
  if (typeof c === 'string') return c;
  if (!c) return '';
  return c
    .map((part) => part.text ?? '')
    .filter(Boolean)
    .join('\n');
}
