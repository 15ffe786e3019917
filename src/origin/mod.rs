//! Allowed origins: the rule a configured origin stands for ([`rule`]),
//! reading one from the configuration ([`parse`]) with the URL Standard's
//! host parser and origin serialiser (`crate::url`, which the browser model
//! uses too), the grammar both share with the request side ([`syntax`]),
//! and matching a request's `Origin` against them all ([`matcher`]).

mod matcher;
mod parse;
mod rule;
pub(crate) mod syntax;

pub(crate) use matcher::OriginMatcher;
pub(crate) use parse::parse_rule;
pub(crate) use rule::OriginRule;
