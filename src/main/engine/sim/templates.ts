/**
 * The sentence templates simulated replies are woven from. A modest, hand-written set reads more
 * naturally than a large generated one. Placeholders: {T} the topic phrase, {T^} the same with a
 * capital letter, {K} and {K2} two further words from the question (or generic fallbacks).
 */

/** First sentence of an answer; each one names the topic so the reply is visibly "about" it. */
export const OPENINGS = [
  'Good question about {T}.',
  'Sure, happy to talk about {T}.',
  '{T^} is a fun one to think about.',
  "Great question. {T^} comes up a lot, and there's a clear way to look at it.",
  "Let's talk about {T}.",
  "Here's how I'd think about {T}.",
  "Ah, {T}. There's more to it than people expect.",
] as const;

export const BODY = [
  'The short version is that it depends on a few things, and {K} is usually the biggest one.',
  'Most people find that {T} gets much easier once they break it into smaller steps.',
  'A good place to start is {K}, because a lot of the rest builds on it.',
  'It helps to ask what you actually want out of {T} before you go too deep.',
  'In practice, the details of {K} matter more than the theory.',
  'One common mistake is to treat {K} and {K2} as the same thing, when they pull in different directions.',
  'If you only remember one thing, make it this: {T} rewards patience.',
  "There's no single right answer here, but there are a few good rules of thumb.",
  'For example, you could try a small experiment with {K} this week and see how it feels.',
  'People who are good at {T} tend to keep things simple and adjust as they go.',
  'The tricky part is usually {K2}, so give that a little extra attention.',
  "It's also worth noting that {T} changes over time, so what worked last year might not work now.",
  'A quick way to check your thinking is to explain {T} to a friend in two sentences.',
  'Speed matters too: the faster you get feedback on {K}, the faster you learn.',
  "Don't worry about getting everything right the first time; nobody does.",
  'You can also look at how others handle {K2} and borrow what works for you.',
] as const;

export const CLOSINGS = [
  'Does that help, or would you like me to go deeper on {K}?',
  'I hope that gives you a useful starting point.',
  'Want me to walk through a concrete example?',
  'Let me know which part of {T} you would like to explore next.',
  "That's the gist of it, and I'm happy to expand on any part.",
] as const;

/** Replies to a message with nothing to latch onto ("hi", "ok", "?"). */
export const SMALL_TALK = [
  "Hi there! It's good to hear from you.",
  "I'm doing well, thanks for asking.",
  "What's on your mind today?",
  'We could talk about almost anything: science, cooking, travel, music, or whatever you are working on.',
  'I can also help you think through a plan or a decision.',
  'Just tell me a little about what you need, and we can take it from there.',
] as const;

/** Hidden reasoning, the kind a reasoning model streams before its answer. */
export const REASONING = [
  'Let me think about {T}.',
  'The user is asking about {T}, so I should focus on what matters most.',
  'First, I should figure out what they already know about {K}.',
  'Maybe a short example would help here.',
  'I should keep the answer friendly and not too long.',
  'Wait, let me double-check the part about {K2}.',
  'Okay, that seems right.',
  'Another angle is how {K} relates to {K2}.',
  'Hmm, I could also mention a common mistake.',
  'So the plan is: a direct answer first, then one or two practical tips.',
  'Is there anything about {T} that could be misleading? Probably not if I keep it simple.',
  'Let me make sure the tone is conversational.',
] as const;

/** Stand-ins for {K}/{K2} when the question has too few words of its own. */
export const FALLBACK_KEYWORDS = ['the basics', 'the details', 'timing', 'your goals', 'the trade-offs'];
