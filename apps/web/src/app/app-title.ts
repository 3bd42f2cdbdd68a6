/** The document title (also in index.html). */
export const APP_TITLE = 'Hihi Chat · 嗨嗨聊天室';
