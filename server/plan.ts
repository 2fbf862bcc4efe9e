// Kept for the modules that import the planning helpers from here: they live in server/query/.
export { and, datetimePredicate, equalsPredicate, parseEquals, propertyPredicate } from './query/predicate.js';
