import LVVPresentation
import LVVRules
import RuleDSL

/// The service described in OpenAPI 3.1, served at `GET /openapi.json`. A test checks real
/// responses against it, and schemathesis was run against it (docs/service.md). The case schema
/// is made from the facts the served rule sets declare, so it says exactly what `decide` reads.
enum OpenAPI {
    static func document(_ snapshot: ServedRules.Snapshot) -> [UInt8] {
        PlainText.replacing(Array("CASE_SCHEMA".utf8), with: Array(caseSchema(snapshot).utf8), in: Array(text.utf8))
    }

    /// One case: `case_id`, every fact of the served pilots (null: unknown), groups as objects.
    static func caseSchema(_ snapshot: ServedRules.Snapshot) -> String {
        var facts: [FactInfo] = []
        for program in snapshot.pilots {
            for fact in ServiceJSON.askable(program) where !facts.contains(where: { $0.name == fact.name }) {
                facts.append(fact)
            }
        }
        var properties: [(String, JSONValue)] = [
            ("case_id", .object([member("type", .string("string"))])),
            (
                "ruleset_sha256",
                .object([member("type", .string("string")), member("pattern", .string("^[0-9a-f]{64}$"))])
            ),
        ]
        var required = ["case_id"]
        var groups: [(name: String, fields: [(String, JSONValue)], required: [String])] = []
        for fact in facts {
            let schema = valueSchema(fact)
            if let group = fact.group {
                let field = String(fact.name.dropFirst(group.count + 1))
                if let i = groups.firstIndex(where: { $0.name == group }) {
                    groups[i].fields.append((field, schema))
                    if fact.isRequired { groups[i].required.append(field) }
                } else {
                    groups.append((group, [(field, schema)], fact.isRequired ? [field] : []))
                    properties.append((group, .null))
                }
            } else {
                properties.append((fact.name, schema))
                if fact.isRequired { required.append(fact.name) }
            }
        }
        properties = properties.map { name, schema in
            guard let group = groups.first(where: { $0.name == name }) else { return (name, schema) }
            return (
                name,
                .object([
                    member("type", .array([.string("object"), .string("null")])),
                    member("properties", .object(group.fields.map { member($0.0, $0.1) })),
                    member("required", .array(group.required.map { .string($0) })),
                    member("additionalProperties", .bool(false)),
                ])
            )
        }
        var w = JSONWriter(reservingCapacity: 4096)
        w.appendValue(
            .object([
                member("type", .string("object")),
                member(
                    "description",
                    .string(
                        "one case, CONTRACT.md section 1: `case_id` and the facts of the served pilots (`GET /v1/pilots/{pilot}/facts`); null or absent means unknown; an unknown key is bad input (400). `ruleset_sha256` pins the rule set and is taken out before the case is read."
                    )),
                member("required", .array(required.map { .string($0) })),
                member("properties", .object(properties.map { member($0.0, $0.1) })),
                member("additionalProperties", .bool(false)),
            ]))
        return String(decoding: w.bytes, as: UTF8.self)
    }

    private static func member(_ key: String, _ value: JSONValue) -> JSONMember {
        JSONMember(key: key, value: value, offset: 0)
    }

    /// The JSON Schema of one fact's value, or null.
    private static func valueSchema(_ fact: FactInfo) -> JSONValue {
        func nullable(_ type: String, _ more: [JSONMember] = []) -> JSONValue {
            // A required fact must be known: null is absent, and absent is refused.
            .object(
                [member("type", fact.isRequired ? .string(type) : .array([.string(type), .string("null")]))] + more)
        }
        var title: [JSONMember] = fact.title.map { [member("description", .string($0))] } ?? []
        switch fact.type {
        case .bool:
            return nullable("boolean", title)
        case .number:
            // The reader takes at most 12 digits before the point and 6 after it.
            title.append(member("minimum", .number(fact.atLeast?.description ?? "-999999999999")))
            title.append(member("maximum", .number(fact.atMost?.description ?? "999999999999")))
            if !fact.isWhole { title.append(member("multipleOf", .number("0.000001"))) }
            return nullable(fact.isWhole ? "integer" : "number", title)
        case .date:
            title.append(member("format", .string("date")))
            title.append(member("pattern", .string("^[12][0-9]{3}-[0-9]{2}-[0-9]{2}$")))
            return nullable("string", title)
        case .text:
            if let format = fact.format {
                let classes = format.pattern.map { $0 == "A" ? "[A-Z]" : $0 == "a" ? "[a-z]" : "[0-9]" }.joined()
                title.append(member("pattern", .string("^" + classes + "$")))
            }
            return nullable("string", title)
        case .enumeration(let values):
            return .object(
                title + [member("enum", .array(values.map { .string($0) } + (fact.isRequired ? [] : [.null])))])
        case .set(let element):
            var items: [JSONMember] = [member("type", .string("string"))]
            if case .enumeration(let values) = element { items = [member("enum", .array(values.map { .string($0) }))] }
            return nullable("array", title + [member("items", .object(items))])
        case .none, .unresolved:
            return .object(title)
        }
    }

    private static let text = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "LVV decision service (rule-check serve)",
            "version": "1",
            "description": "Decides LVV cases with the rule files of the pilots it serves. The verdict is exactly that of `rule-check eval --format json`. Every response carries the rule-set sha256 in `Ruleset-Sha256`; a request may pin it with `If-Match` (or `?ruleset_sha256=`, or `\"ruleset_sha256\"` in a decide body) and gets 409 when it differs. Limits: request head 16 KiB (431), decide body 1 MiB (413), chunked bodies refused (411)."
          },
          "servers": [{"url": "/"}],
          "paths": {
            "/healthz": {
              "get": {
                "operationId": "health",
                "summary": "Whether the service is up",
                "parameters": [{"$ref": "#/components/parameters/lang"}],
                "responses": {
                  "200": {"description": "up", "headers": {"Ruleset-Sha256": {"$ref": "#/components/headers/RulesetSha256"}},
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
                  "400": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/pilots": {
              "get": {
                "operationId": "listPilots",
                "summary": "The pilots served, with their rule-set sha256",
                "parameters": [{"$ref": "#/components/parameters/lang"}],
                "responses": {
                  "200": {"description": "the pilots", "headers": {"Ruleset-Sha256": {"$ref": "#/components/headers/RulesetSha256"}},
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pilots"}}}},
                  "400": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/pilots/{pilot}/facts": {
              "get": {
                "operationId": "listFacts",
                "summary": "The facts a case may give, with types, question texts and who checks them",
                "parameters": [{"$ref": "#/components/parameters/pilot"}, {"$ref": "#/components/parameters/lang"},
                               {"$ref": "#/components/parameters/ifMatch"}, {"$ref": "#/components/parameters/pin"}],
                "responses": {
                  "200": {"description": "the facts", "headers": {"Ruleset-Sha256": {"$ref": "#/components/headers/RulesetSha256"}},
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Facts"}}}},
                  "400": {"$ref": "#/components/responses/Error"},
                  "404": {"$ref": "#/components/responses/Error"},
                  "409": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/pilots/{pilot}/decide": {
              "post": {
                "operationId": "decide",
                "summary": "Decide one case (CONTRACT.md section 1) and return its verdict (section 2)",
                "parameters": [
                  {"$ref": "#/components/parameters/pilot"}, {"$ref": "#/components/parameters/lang"},
                  {"$ref": "#/components/parameters/ifMatch"}, {"$ref": "#/components/parameters/pin"},
                  {"$ref": "#/components/parameters/trace"},
                  {"name": "why_not", "in": "query", "required": false, "schema": {"type": "boolean"},
                   "description": "`true`: what would have to change, as `rule-check eval --why-not`: the verdict gets a `counterfactuals` field (docs/why.md); with `format=text` the explanation ends with it"},
                  {"name": "format", "in": "query", "required": false, "schema": {"type": "string", "enum": ["json", "text"]},
                   "description": "`text`: the readable explanation of `rule-check eval` instead of the JSON verdict"}
                ],
                "requestBody": {
                  "required": true,
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}
                },
                "responses": {
                  "200": {"description": "the verdict, exactly as `rule-check eval --format json` writes it",
                          "headers": {"Ruleset-Sha256": {"$ref": "#/components/headers/RulesetSha256"}},
                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Verdict"}},
                                      "text/plain": {"schema": {"type": "string"}}}},
                  "400": {"$ref": "#/components/responses/Error"},
                  "404": {"$ref": "#/components/responses/Error"},
                  "409": {"$ref": "#/components/responses/Error"},
                  "411": {"$ref": "#/components/responses/Error"},
                  "413": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/v1/pilots/{pilot}/batch": {
              "post": {
                "operationId": "batch",
                "summary": "Decide a stream of cases: JSONL in, JSONL out, with the line rules of `rule-check batch`",
                "parameters": [{"$ref": "#/components/parameters/pilot"}, {"$ref": "#/components/parameters/lang"},
                               {"$ref": "#/components/parameters/ifMatch"}, {"$ref": "#/components/parameters/pin"},
                               {"$ref": "#/components/parameters/trace"}],
                "requestBody": {
                  "required": true,
                  "content": {"application/x-ndjson": {"schema": {"type": "string"}},
                              "text/plain": {"schema": {"type": "string"}}}
                },
                "responses": {
                  "200": {"description": "one line per non-blank input line, in order: a verdict or {\"line\": N, \"error\": \"…\"}; streamed (chunked)",
                          "headers": {"Ruleset-Sha256": {"$ref": "#/components/headers/RulesetSha256"}},
                          "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                  "400": {"$ref": "#/components/responses/Error"},
                  "404": {"$ref": "#/components/responses/Error"},
                  "409": {"$ref": "#/components/responses/Error"},
                  "411": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/openapi.json": {
              "get": {
                "operationId": "openapi",
                "summary": "This description",
                "parameters": [{"$ref": "#/components/parameters/lang"}],
                "responses": {
                  "200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}},
                  "400": {"$ref": "#/components/responses/Error"}
                }
              }
            },
            "/": {
              "get": {
                "operationId": "intakePage",
                "summary": "The intake page: one self-contained HTML page; its state is in the URL",
                "parameters": [{"$ref": "#/components/parameters/lang"},
                               {"name": "pilot", "in": "query", "required": false, "schema": {"type": "string"}}],
                "responses": {
                  "200": {"description": "the page", "content": {"text/html": {"schema": {"type": "string"}}}},
                  "400": {"$ref": "#/components/responses/Error"}
                }
              }
            }
          },
          "components": {
            "parameters": {
              "pilot": {"name": "pilot", "in": "path", "required": true, "schema": {"type": "string"},
                        "description": "a pilot the service serves (`GET /v1/pilots`); another gives 404"},
              "lang": {"name": "lang", "in": "query", "required": false, "schema": {"type": "string", "enum": ["nl", "en"]},
                       "description": "language of texts for people; default the rule set's language (Dutch)"},
              "trace": {"name": "trace", "in": "query", "required": false, "schema": {"type": "boolean", "default": true},
                        "description": "`false` leaves the trace out, as `--no-trace`"},
              "ifMatch": {"name": "If-Match", "in": "header", "required": false, "schema": {"type": "string"},
                          "description": "the rule-set sha256 the client expects (quoted or not); 409 when it differs"},
              "pin": {"name": "ruleset_sha256", "in": "query", "required": false, "schema": {"type": "string"},
                      "description": "the rule-set sha256 the client expects; 409 when it differs"}
            },
            "headers": {
              "RulesetSha256": {"description": "sha256 of the rule set that answered (for routes without a pilot: of all pilots served)",
                                "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}
            },
            "responses": {
              "Error": {"description": "an error, with a stable code",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            },
            "schemas": {
              "Error": {
                "type": "object", "required": ["error", "message"], "additionalProperties": false,
                "properties": {"error": {"type": "string"}, "message": {"type": "string"}}
              },
              "Health": {
                "type": "object", "required": ["status", "pilots"], "additionalProperties": false,
                "properties": {"status": {"const": "ok"}, "pilots": {"type": "integer", "minimum": 1}}
              },
              "Pilots": {
                "type": "object", "required": ["pilots", "sha256"], "additionalProperties": false,
                "properties": {
                  "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                  "pilots": {"type": "array", "items": {
                    "type": "object", "required": ["name", "title", "sha256", "files"], "additionalProperties": false,
                    "properties": {"name": {"type": "string"}, "title": {"type": ["string", "null"]},
                                   "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                                   "files": {"type": "array", "items": {"type": "string"}}}}}
                }
              },
              "Facts": {
                "type": "object", "required": ["pilot", "language", "ruleset", "facts"], "additionalProperties": false,
                "properties": {
                  "pilot": {"type": "string"},
                  "language": {"type": "string", "enum": ["nl", "en"]},
                  "ruleset": {"$ref": "#/components/schemas/Ruleset"},
                  "facts": {"type": "array", "items": {
                    "type": "object", "required": ["name", "type", "required", "optional", "title", "question", "checked_by"], "additionalProperties": false,
                    "properties": {
                      "name": {"type": "string"},
                      "type": {"type": "string", "enum": ["bool", "number", "text", "date", "enum", "set"]},
                      "values": {"type": "array", "items": {"type": "string"}},
                      "required": {"type": "boolean"}, "optional": {"type": "boolean"}, "whole": {"type": "boolean"},
                      "minimum": {"type": "number"}, "maximum": {"type": "number"},
                      "title": {"type": ["string", "null"]}, "question": {"type": "string"},
                      "checked_by": {"type": ["string", "null"]}}}}
                }
              },
              "Ruleset": {
                "type": "object", "required": ["name", "sha256"], "additionalProperties": false,
                "properties": {"name": {"type": "string"}, "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}
              },
              "Case": CASE_SCHEMA,
              "Reason": {
                "type": "object", "required": ["code", "rule", "title", "source", "facts"],
                "properties": {"code": {"type": "string"}, "rule": {"type": "string"}, "title": {"type": "string"},
                               "source": {"type": "string"}, "facts": {"type": "object"}, "overridden": {"type": "boolean"}}
              },
              "Verdict": {
                "type": "object",
                "required": ["case_id", "pilot", "question", "decision", "exceptional", "reasons", "referrals", "actions", "missing_facts", "ruleset"],
                "additionalProperties": false,
                "properties": {
                  "case_id": {"type": "string"},
                  "pilot": {"type": "string"},
                  "question": {"type": "string", "enum": ["intake", "review"]},
                  "decision": {"type": "string", "enum": ["admit", "exclude", "refer", "undetermined", "continue", "end", "escalate_mrt"]},
                  "exceptional": {"type": "boolean"},
                  "reasons": {"type": "array", "items": {"$ref": "#/components/schemas/Reason"}},
                  "referrals": {"type": "array", "items": {"type": "string"}},
                  "actions": {"type": "array", "items": {"type": "string"}},
                  "missing_facts": {"type": "array", "items": {"type": "string"}},
                  "scenario_advice": {
                    "type": "object", "required": ["scenario", "reasons", "missing_facts"],
                    "properties": {"scenario": {"type": ["string", "null"]},
                                   "reasons": {"type": "array", "items": {"type": "string"}},
                                   "missing_facts": {"type": "array", "items": {"type": "string"}}}
                  },
                  "ruleset": {"$ref": "#/components/schemas/Ruleset"},
                  "trace": {"type": "array"},
                  "counterfactuals": {"$ref": "#/components/schemas/Counterfactuals"}
                }
              },
              "Counterfactuals": {
                "description": "only with `why_not=true`, and only for a decision other than the question's `otherwise` outcome (`kind` flip: the smallest sets of changes giving `target`) or for `undetermined` (`kind` settle: the smallest sets of missing facts that decide it, with the decision per combination of values)",
                "type": "object", "required": ["kind", "sets", "more", "searched_up_to", "complete"], "additionalProperties": false,
                "properties": {
                  "kind": {"type": "string", "enum": ["flip", "settle"]},
                  "target": {"type": "string"},
                  "sets": {"type": "array", "items": {
                    "type": "object", "required": ["changes", "via_exception"], "additionalProperties": false,
                    "properties": {
                      "changes": {"type": "array", "items": {
                        "type": "object", "additionalProperties": false,
                        "properties": {"exception": {"type": "string"}, "fact": {"type": "string"},
                                       "now": {"$ref": "#/components/schemas/FactValue"}, "needed": {"$ref": "#/components/schemas/Needed"}}}},
                      "via_exception": {"type": "boolean"},
                      "outcomes": {"type": "array", "items": {
                        "type": "object", "required": ["values", "decision"], "additionalProperties": false,
                        "properties": {"values": {"type": "array", "items": {"$ref": "#/components/schemas/Needed"}},
                                       "decision": {"type": "string"}}}}}}},
                  "more": {"type": "boolean"},
                  "searched_up_to": {"type": "integer", "minimum": 0},
                  "complete": {"type": "boolean"}
                }
              },
              "FactValue": {
                "description": "a fact's value as the case gives it; null: unknown",
                "type": ["string", "number", "boolean", "null"]
              },
              "Needed": {
                "description": "the value needed, or a stretch of values `{from, to}` (a null end is open)",
                "oneOf": [
                  {"$ref": "#/components/schemas/FactValue"},
                  {"type": "object", "required": ["from", "to"], "additionalProperties": false,
                   "properties": {"from": {"$ref": "#/components/schemas/FactValue"}, "to": {"$ref": "#/components/schemas/FactValue"}}}
                ]
              }
            }
          }
        }
        """#
}
