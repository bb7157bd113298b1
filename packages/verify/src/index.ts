export const APP_NAME = 'qraft-verify';
