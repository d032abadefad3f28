export * from './pipeline';
export * from './profile-setup';
export * from './testing';
export * from './verify';
export * from './scenario';
export * from './processes';
