export const APP_NAME = 'qraft-app';
