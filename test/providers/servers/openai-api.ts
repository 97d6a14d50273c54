/**
 * The part of OpenAI's chat-completions API that reasoning models change, written from OpenAI's API
 * reference and error documentation (platform.openai.com/docs/guides/reasoning: o-series and gpt-5
 * models do not support `temperature` other than its default; error objects are
 * {error: {message, type: "invalid_request_error", param, code}} with HTTP 400, code
 * "unsupported_parameter" for a parameter the model never takes and "unsupported_value" for a value
 * it does not take). `refuseReasoningParams` answers such a request as the API does; null: let it through.
 */
export function refuseReasoningParams(body: Record<string, unknown>): { status: number; body: unknown } | null {
  const model = String(body.model ?? '');
  if (!/^(o\d|gpt-5)/.test(model)) return null;
  if (body.temperature === undefined || body.temperature === 1) return null;
  return model.startsWith('gpt-5')
    ? {
        status: 400,
        body: {
          error: {
            message: `Unsupported value: 'temperature' does not support ${String(body.temperature)} with this model. Only the default (1) value is supported.`,
            type: 'invalid_request_error',
            param: 'temperature',
            code: 'unsupported_value',
          },
        },
      }
    : {
        status: 400,
        body: { error: { message: "Unsupported parameter: 'temperature' is not supported with this model.", type: 'invalid_request_error', param: 'temperature', code: 'unsupported_parameter' } },
      };
}
