/** One message of an OpenAI-style chat. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LlmRequest {
  /** API base, e.g. http://127.0.0.1:11434/v1 (POST <url>/chat/completions) */
  url: string;
  model: string;
  apiKey?: string;
  messages: ChatTurn[];
  signal: AbortSignal;
  maxTokens?: number;
}

/** The endpoint answered with an error or something that is not a chat completion. */
export class LlmError extends Error {
  override name = 'LlmError';
}

interface CompletionChunk {
  choices?: { delta?: { content?: string | null }; message?: { content?: string | null } }[];
  error?: { message?: string } | string;
}

function contentOf(chunk: CompletionChunk): string {
  if (chunk.error) {
    throw new LlmError(typeof chunk.error === 'string' ? chunk.error : (chunk.error.message ?? 'error'));
  }
  const c = chunk.choices?.[0];
  return c?.delta?.content ?? c?.message?.content ?? '';
}

/**
 * Stream a chat completion from an OpenAI-compatible endpoint (Ollama, llama.cpp server, vLLM,
 * OpenAI): POST /chat/completions with `stream: true`, read the server-sent events and yield
 * the text as it arrives. A server that ignores `stream` and answers JSON yields its whole text.
 */
export async function* streamChat(req: LlmRequest): AsyncGenerator<string> {
  const res = await fetch(`${req.url.replace(/\/+$/, '')}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(req.apiKey ? { authorization: `Bearer ${req.apiKey}` } : {}),
    },
    body: JSON.stringify({
      model: req.model,
      messages: req.messages,
      stream: true,
      temperature: 0.7,
      max_tokens: req.maxTokens ?? 512,
    }),
    signal: req.signal,
  });
  if (!res.ok || !res.body) {
    const body = await res.text().catch(() => '');
    throw new LlmError(`HTTP ${res.status} ${body.slice(0, 200)}`.trim());
  }
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('application/json')) {
    yield contentOf((await res.json()) as CompletionChunk);
    return;
  }
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (!line.startsWith('data:')) continue; // comments, event names, blank separators
      const data = line.slice(5).trim();
      if (data === '[DONE]') return;
      if (!data) continue;
      let chunk: CompletionChunk;
      try {
        chunk = JSON.parse(data) as CompletionChunk;
      } catch {
        throw new LlmError(`not a completion chunk: ${data.slice(0, 100)}`);
      }
      const text = contentOf(chunk);
      if (text) yield text;
    }
  }
}
