package eval

import (
	"strings"

	"github.com/concordsec/concord/ast"
)

// The small global helpers of panther-analysis that build an alert context
// from event.get / event.deep_get, or test one field, written as tables that
// follow each helper's source line by line.

// ctxField is one `"key": event.get(name, default)` (path of one element) or
// `event.deep_get(*path, default=default)` line; a Missing default is none.
type ctxField struct {
	key  string
	deep bool
	path []string
	def  ast.Value
}

func get(key, name string, def ast.Value) ctxField {
	return ctxField{key: key, path: []string{name}, def: def}
}

func deep(key string, def ast.Value, path ...string) ctxField {
	return ctxField{key: key, deep: true, path: path, def: def}
}

func (f ctxField) eval(env *Env, ev ast.Value) ast.Value {
	def := f.def
	if def.IsMissing() {
		def = ast.Null
	}
	if f.deep {
		return evDeep(env, ev, def, f.path...)
	}
	return evGet(env, ev, f.path[0], def)
}

func buildCtx(env *Env, ev ast.Value, fields []ctxField) *ast.Object {
	o := &ast.Object{}
	for _, f := range fields {
		o.Set(f.key, f.eval(env, ev))
	}
	return o
}

// contextKeys are, per alert-context helper written as a table here or in
// builtins.go, the keys it copies from the event. Reports that list what a rule
// emits read them through ContextKeys, so the list cannot drift from the
// implementation.
var contextKeys = map[string][]string{}

func init() {
	keys := make([]string, len(awsRuleContextFields))
	for i, f := range awsRuleContextFields {
		keys[i] = f.key
	}
	contextKeys["panther.aws_rule_context"] = keys
}

// ContextKeys returns the keys the alert-context helper fn (a Call name such as
// "panther.aws_rule_context") takes from the event, in the helper's order, and
// whether concord knows them. Keys the helper computes rather than copies (the
// PantherFlow Investigation query) are not listed; helpers written as code
// rather than as a table are not known.
func ContextKeys(fn string) ([]string, bool) {
	keys, ok := contextKeys[fn]
	return append([]string(nil), keys...), ok
}

func ctxHelper(name string, fields ...ctxField) *Builtin {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.key
	}
	contextKeys["panther."+name] = keys
	return fixed("panther."+name, 1, name+" (panther-analysis global helper)", func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		return ast.ObjectOf(buildCtx(env, a[0], fields)), nil
	})
}

// fieldIs is `return <field> == want` (or `in` a list of wants).
func fieldIs(name string, f ctxField, wants ...string) *Builtin {
	return fixed("panther."+name, 1, name+" (panther-analysis global helper)", func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		v := f.eval(env, a[0])
		for _, w := range wants {
			if ast.Equal(v, ast.String(w)) {
				return ast.True, nil
			}
		}
		return ast.False, nil
	})
}

func init() {
	s, none := ast.String, ast.Missing
	emptyObj := func() ast.Value { return ast.ObjectOf(&ast.Object{}) }
	register(
		fieldIs("azure_activity_success", get("", "resultType", s("")), "Success", "Succeeded"),
		fieldIs("azure_resource_logs_success", deep("", s(""), "properties", "metricResponseType"), "Success"),
		fieldIs("azure_success", deep("", s(""), "properties", "result"), "success"),
		fieldIs("is_auth0_config_event", deep("", s(""), "data", "details", "request", "channel"), "https://manage.auth0.com/"),
		fieldIs("wiz_success", get("", "status", s("")), "SUCCESS"),
		fieldIs("is_sign_in_event", get("", "operationName", s("")), "Sign-in activity"),
		fixed("panther.zia_success", 1, "zia_success", func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			ok := ast.Equal(evDeep(env, a[0], s(""), "event", "errorcode"), s("None")) &&
				ast.Equal(evDeep(env, a[0], s(""), "event", "result"), s("SUCCESS"))
			return ast.Bool(ok), nil
		}),
		ctxHelper("gcp_alert_context",
			deep("project", s(""), "resource", "labels", "project_id"),
			deep("principal", s(""), "protoPayload", "authenticationInfo", "principalEmail"),
			deep("caller_ip", s(""), "protoPayload", "requestMetadata", "callerIP"),
			deep("methodName", s(""), "protoPayload", "methodName"),
			deep("resourceName", s(""), "protoPayload", "resourceName"),
			deep("serviceName", s(""), "protoPayload", "serviceName")),
		ctxHelper("slack_alert_context",
			deep("actor-name", s("<MISSING_NAME>"), "actor", "user", "name"),
			deep("actor-email", s("<MISSING_EMAIL>"), "actor", "user", "email"),
			deep("actor-ip", s("<MISSING_IP>"), "context", "ip_address"),
			deep("user-agent", s("<MISSING_UA>"), "context", "ua")),
		ctxHelper("github_alert_context",
			get("action", "action", s("")), get("actor", "actor", s("")),
			deep("actor_location", none, "actor_location", "country_code"),
			get("org", "org", s("")), get("repo", "repo", s("")), get("user", "user", s(""))),
		ctxHelper("gsuite_activityevent_alert_context",
			deep("actor", s(""), "actor", "email"), deep("applicationName", s(""), "id", "applicationName"),
			get("name", "name", s("")), get("type", "type", s("")), get("parameters", "parameters", emptyObj())),
		ctxHelper("mongodb_alert_context",
			get("username", "username", s("<USER_NOT_FOUND>")), get("target_username", "targetUsername", s("<USER_NOT_FOUND>")),
			get("org_id", "orgId", s("<ORG_NOT_FOUND>")), get("remote_address", "remoteAddress", s("<REMOTE_ADDRESS_NOT_FOUND>"))),
		ctxHelper("tines_alert_context",
			get("actor", "user_email", s("<NO_USEREMAIL>")), get("action", "operation_name", s("<NO_OPERATION>")),
			get("tenant_id", "tenant_id", s("<NO_TENANTID>")), get("user_email", "user_email", s("<NO_USEREMAIL>")),
			get("user_id", "user_id", s("<NO_USERID>")), get("operation_name", "operation_name", s("<NO_OPERATION>")),
			get("request_ip", "request_ip", s("<NO_REQUESTIP>"))),
		ctxHelper("notion_alert_context",
			deep("actor", s("<NO_ACTOR_FOUND>"), "event", "actor"), deep("action", s("<NO_ACTION_FOUND>"), "event", "type")),
		fixed("panther.okta_alert_context", 1, "okta_alert_context", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			o := buildCtx(env, a[0], []ctxField{
				get("event_type", "eventtype", s("")), get("severity", "severity", s("")),
				get("actor", "actor", emptyObj()), get("client", "client", emptyObj()),
				get("request", "request", emptyObj()), get("outcome", "outcome", emptyObj()),
				get("target", "target", ast.List()), get("debug_context", "debugcontext", emptyObj()),
				get("authentication_context", "authenticationcontext", emptyObj()),
				get("security_context", "securitycontext", emptyObj()), get("ips", "p_any_ip_addresses", ast.List()),
			})
			if err := pantherflowCheck(pos, a[0]); err != nil {
				return ast.Null, err
			}
			o.Set("PantherFlow Investigation", s(pantherflowInvestigation(a[0], "30m")))
			return ast.ObjectOf(o), nil
		}),
		fixed("panther.snyk_alert_context", 1, "snyk_alert_context", func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			o := buildCtx(env, a[0], []ctxField{
				get("actor", "userId", s("<NO_USERID>")), get("action", "event", s("<NO_EVENT>")),
				get("orgId", "orgId", s("<NO_ORGID>")), get("groupId", "groupId", s("<NO_GROUPID>")),
			})
			actor, _ := o.Get("actor")
			group, _ := o.Get("groupId")
			if !ast.Equal(actor, s("<NO_USERID>")) && !ast.Equal(group, s("<NO_GROUPID>")) {
				o.Set("actor_link", s("https://app.snyk.io/group/"+group.Str()+"/manage/member/"+actor.Str()))
			}
			return ast.ObjectOf(o), nil
		}),
		&Builtin{Name: "panther.databricks_alert_context", MinArgs: 1, MaxArgs: 2, Doc: "databricks_alert_context(event, additional_fields=None)",
			Keywords: []string{"additional_fields"},
			KwImpl: func(env *Env, _ ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
				o := buildCtx(env, a[0], []ctxField{
					deep("actor", none, "userIdentity", "email"), get("service_name", "serviceName", none),
					get("action", "actionName", none), get("source_ip", "sourceIPAddress", none),
					get("user_agent", "userAgent", none), get("audit_level", "auditLevel", none),
					get("workspace_id", "workspaceId", none), get("account_id", "accountId", none),
					deep("status_code", none, "response", "statusCode"), deep("error_message", none, "response", "errorMessage"),
					get("request_id", "requestId", none),
				})
				extra := ast.Null
				if len(a) == 2 {
					extra = a[1]
				} else if v, ok := kw["additional_fields"]; ok {
					extra = v
				}
				if extra.Truth() && extra.Kind() == ast.KindObject {
					for i, k := range extra.AsObject().Keys {
						o.Set(k, extra.AsObject().Vals[i])
					}
				}
				out := &ast.Object{}
				for i, k := range o.Keys {
					if !o.Vals[i].IsNullish() {
						out.Set(k, o.Vals[i])
					}
				}
				return ast.ObjectOf(out), nil
			}},
	)
}

// extractResourceName is panther_azureactivity_helpers.extract_resource_name_from_id.
func extractResourceName(pos ast.Pos, id, typ, def ast.Value) (ast.Value, error) {
	if !id.Truth() {
		return def, nil
	}
	if id.Kind() != ast.KindString {
		return ast.Null, noAttr(pos, id, "split")
	}
	if typ.Kind() != ast.KindString {
		return ast.Null, noAttr(pos, typ, "lower")
	}
	parts := strings.Split(id.AsString(), "/")
	marker := strings.ToLower(typ.AsString())
	for i, p := range parts {
		if strings.ToLower(p) == marker && i+1 < len(parts) {
			return ast.String(parts[i+1]), nil
		}
	}
	return def, nil
}

// objMethodGet is x.get(k, def) on a value read from the event: AttributeError
// when it is not a dict.
func objMethodGet(env *Env, pos ast.Pos, x ast.Value, k string, def ast.Value) (ast.Value, error) {
	return pyDictGet(env, pos, []ast.Value{x, ast.String(k), def})
}

func init() {
	s := ast.String
	register(
		withKw("panther.extract_resource_name_from_id", 2, 3, []string{"default"}, "extract_resource_name_from_id(resource_id, resource_type, default='<UNKNOWN>')",
			func(_ *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
				def := s("<UNKNOWN>")
				if len(a) == 3 {
					def = a[2]
				} else if d, ok := kw["default"]; ok {
					def = d
				}
				return extractResourceName(pos, a[0], a[1], def)
			}),
		fixed("panther.azure_activity_alert_context", 1, "azure_activity_alert_context", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			ev := a[0]
			o := buildCtx(env, ev, []ctxField{
				get("resource_id", "resourceId", s("<UNKNOWN_RESOURCE_ID>")),
				get("caller_ip", "callerIpAddress", s("<UNKNOWN_CALLER_IP>")),
				get("operation_name", "operationName", s("<UNKNOWN_OPERATION_NAME>")),
				get("result_type", "resultType", s("<UNKNOWN_RESULT_TYPE>")),
				get("correlation_id", "correlationId", s("<UNKNOWN_CORRELATION_ID>")),
				get("location", "location", s("<UNKNOWN_LOCATION>")),
				get("tenant_id", "tenantId", s("<UNKNOWN_TENANT_ID>")),
			})
			id := evGet(env, ev, "resourceId", s(""))
			for _, p := range [][2]string{{"storageAccounts", "storage_account_name"}, {"resourceGroups", "resource_group"}} {
				name, err := extractResourceName(pos, id, s(p[0]), s(""))
				if err != nil {
					return ast.Null, err
				}
				if name.Truth() {
					o.Set(p[1], name)
				}
			}
			if props := evGet(env, ev, "properties", s("")); props.Truth() {
				o.Set("properties", props)
			}
			return ast.ObjectOf(o), nil
		}),
		ctxHelper("auth0_alert_context",
			deep("actor", s("<NO_ACTOR_FOUND>"), "data", "details", "request", "auth", "user"),
			deep("action", s("<NO_ACTION_FOUND>"), "data", "description")),
		fixed("panther.zia_alert_context", 1, "zia_alert_context", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			data := evGet(env, a[0], "event", ast.ObjectOf(&ast.Object{}))
			o := &ast.Object{}
			for _, f := range [][2]string{{"action", "action"}, {"admin_id", "adminid"}, {"category", "category"},
				{"client_ip", "clientip"}, {"preaction", "preaction"}, {"postaction", "postaction"}} {
				v, err := objMethodGet(env, pos, data, f[1], s(""))
				if err != nil {
					return ast.Null, err
				}
				o.Set(f[0], v)
			}
			return ast.ObjectOf(o), nil
		}),
		fixed("panther.wiz_actor", 1, "wiz_actor", wizActor),
		fixed("panther.wiz_alert_context", 1, "wiz_alert_context", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			actor, err := wizActor(env, pos, a)
			if err != nil {
				return ast.Null, err
			}
			o := &ast.Object{}
			o.Set("action", evGet(env, a[0], "action", s("")))
			o.Set("actor", actor)
			o.Set("source_ip", evGet(env, a[0], "sourceip", s("")))
			o.Set("event_id", evGet(env, a[0], "id", s("")))
			o.Set("action_parameters", evGet(env, a[0], "actionparameters", s("")))
			return ast.ObjectOf(o), nil
		}),
		fixed("panther.azure_parse_json_string", 1, "azure_parse_json_string", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			switch v := a[0]; v.Kind() {
			case ast.KindObject:
				return v, nil
			case ast.KindString:
				out, err := pyJSONLoads(env, pos, a)
				if cls, ok := pyException(err); ok && excMatches(cls, []string{"JSONDecodeError"}) {
					return ast.ObjectOf(&ast.Object{}), nil
				}
				return out, err
			}
			return ast.ObjectOf(&ast.Object{}), nil
		}),
	)
}

func wizActor(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
	o := &ast.Object{}
	for _, who := range [][2]string{{"user", "user"}, {"serviceAccount", "serviceaccount"}} {
		v := evGet(env, a[0], who[0], ast.Null)
		if v.IsNullish() {
			continue
		}
		o.Set("type", ast.String(who[1]))
		for _, k := range []string{"id", "name"} {
			x, err := objMethodGet(env, pos, v, k, ast.Null)
			if err != nil {
				return ast.Null, err
			}
			o.Set(k, x)
		}
		return ast.ObjectOf(o), nil
	}
	o.Set("type", ast.String("unknown"))
	o.Set("id", ast.String("<Unknown ID>"))
	o.Set("name", ast.String("<Unknown Name>"))
	return ast.ObjectOf(o), nil
}

// kvListToDict is panther_base_helpers.key_value_list_to_dict:
// {item[key]: item[value] for item in list_objects}.
func kvListToDict(env *Env, pos ast.Pos, list, key, value ast.Value) (ast.Value, error) {
	items, err := pyIter(pos, list)
	if err != nil {
		return ast.Null, err
	}
	o := &ast.Object{}
	for _, it := range items {
		var kv [2]ast.Value
		for i, want := range []ast.Value{key, value} {
			if it.Kind() != ast.KindObject {
				return ast.Null, fail(pos, "TypeError: '%s' object is not subscriptable", pyType(it))
			}
			if want.Kind() != ast.KindString {
				return ast.Null, fail(pos, "KeyError: %s", want.Repr())
			}
			v, ok := objGet(env, it.AsObject(), want.AsString())
			if !ok {
				return ast.Null, fail(pos, "KeyError: %s", want.Repr())
			}
			kv[i] = v
		}
		k, err := dictKey(pos, kv[0])
		if err != nil {
			return ast.Null, err
		}
		o.Set(k, kv[1])
	}
	return ast.ObjectOf(o), nil
}

// crowdstrikeField is panther_crowdstrike_fdr_helpers.get_crowdstrike_field.
func crowdstrikeField(env *Env, ev ast.Value, name string, def ast.Value) ast.Value {
	for _, path := range [][]string{{name}, {"event", name}, {"unknown_payload", name}} {
		if v := evDeep(env, ev, ast.Null, path...); v.Truth() {
			return v
		}
	}
	return def
}

func init() {
	s := ast.String
	auditKeys := func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
		return kvListToDict(env, pos, evDeep(env, a[0], ast.List(), "event", "AuditKeyValues"), s("Key"), s("ValueString"))
	}
	upwindSeverity := func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
		raw := evGet(env, a[0], "severity", s(""))
		if raw.Kind() != ast.KindString {
			return s("DEFAULT"), nil
		}
		switch u := strings.ToUpper(raw.AsString()); u {
		case "CRITICAL", "HIGH", "MEDIUM", "LOW":
			return s(u), nil
		}
		return s("DEFAULT"), nil
	}
	register(
		fixed("panther.key_value_list_to_dict", 3, "key_value_list_to_dict(list_objects, key, value)", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			return kvListToDict(env, pos, a[0], a[1], a[2])
		}),
		fixed("panther.audit_keys_dict", 1, "panther_crowdstrike_event_streams_helpers.audit_keys_dict", auditKeys),
		fixed("panther.cs_alert_context", 1, "panther_crowdstrike_event_streams_helpers.cs_alert_context", auditKeys),
		fixed("panther.upwind_severity", 1, "panther_upwind_helpers.upwind_severity", upwindSeverity),
		fixed("panther.upwind_is_known_severity", 1, "panther_upwind_helpers.upwind_is_known_severity", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			v, err := upwindSeverity(env, pos, a)
			return ast.Bool(!ast.Equal(v, s("DEFAULT"))), err
		}),
		fixed("panther.is_login_action", 1, "panther_databricks_helpers.is_login_action: actionName in LOGIN_ACTIONS", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			v := evGet(env, a[0], "actionName", ast.Null)
			if err := hashable(pos, v); err != nil || v.Kind() == ast.KindList {
				// `action_name in LOGIN_ACTIONS` hashes: lists and dicts raise.
				return ast.Null, fail(pos, "TypeError: unhashable type: '%s'", pyType(v))
			}
			for _, k := range []string{"aadBrowserLogin", "aadTokenLogin", "certLogin", "jwtLogin", "login", "mfaLogin",
				"oidcBrowserLogin", "passwordVerifyAuthentication", "samlLogin", "tokenLogin"} {
				if ast.Equal(v, s(k)) {
					return ast.True, nil
				}
			}
			return ast.False, nil
		}),
		fieldIs("azure_signin_success", get("", "resultSignature", ast.Missing), "SUCCESS"),
		withKw("panther.get_crowdstrike_field", 2, 3, []string{"default"}, "get_crowdstrike_field(event, field_name, default=None)", func(env *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
			def := ast.Null
			if len(a) == 3 {
				def = a[2]
			} else if d, ok := kw["default"]; ok {
				def = d
			}
			if a[1].Kind() != ast.KindString {
				return ast.Null, unsupportedf(pos, "get_crowdstrike_field with a %s name", pyType(a[1]))
			}
			return crowdstrikeField(env, a[0], a[1].AsString(), def), nil
		}),
		fixed("panther.crowdstrike_detection_alert_context", 1, "crowdstrike_detection_alert_context", func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			o := &ast.Object{}
			for _, f := range [][2]string{{"aid", "aid"}, {"user", "UserName"}, {"console-link", "FalconHostLink"},
				{"commandline", "CommandLine"}, {"parentcommandline", "ParentCommandLine"}, {"filename", "FileName"},
				{"filepath", "FilePath"}, {"description", "Description"}, {"action", "PatternDispositionDescription"}} {
				o.Set(f[0], crowdstrikeField(env, a[0], f[1], s("")))
			}
			return ast.ObjectOf(o), nil
		}),
		fixed("panther.anthropic_alert_context", 1, "panther_anthropic_helpers.anthropic_alert_context", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			o := buildCtx(env, a[0], []ctxField{
				get("event_type", "type", s("")), deep("actor_type", s(""), "actor", "type"),
				deep("actor_email", s(""), "actor", "email_address"), deep("actor_user_id", s(""), "actor", "user_id"),
				deep("ip_address", s(""), "actor", "ip_address"), deep("user_agent", s(""), "actor", "user_agent"),
				deep("api_key_id", s(""), "actor", "api_key_id"), get("organization_id", "organization_id", s("")),
				get("ips", "p_any_ip_addresses", ast.List()),
			})
			if err := pantherflowCheck(pos, a[0]); err != nil {
				return ast.Null, err
			}
			o.Set("PantherFlow Investigation", s(pantherflowInvestigation(a[0], "30m")))
			for _, k := range []string{"target_id", "target_type", "role", "resource_type", "resource_id", "updates",
				"claude_chat_id", "claude_project_id", "mcp_server_id", "mcp_server_name", "integration_type", "audience",
				"is_enabled", "admin_api_key_id", "service_key_id", "service_name", "connection_id", "deleted_user_id",
				"deleted_user_email"} {
				if v := evGet(env, a[0], k, ast.Null); !v.IsNullish() {
					o.Set(k, v)
				}
			}
			return ast.ObjectOf(o), nil
		}),
	)
}

func init() {
	s := ast.String
	isPullRequest := func(env *Env, ev ast.Value) bool {
		action := evGet(env, ev, "action", ast.Null)
		for _, a := range []string{"opened", "synchronize", "reopened", "closed", "assigned", "unassigned", "labeled",
			"unlabeled", "edited", "ready_for_review", "converted_to_draft"} {
			if ast.Equal(action, s(a)) {
				return !evGet(env, ev, "pull_request", ast.Null).IsNullish()
			}
		}
		return false
	}
	register(
		fixed("panther.box_parse_additional_details", 1, "panther_box_helpers.box_parse_additional_details", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			d := evGet(env, a[0], "additional_details", ast.ObjectOf(&ast.Object{}))
			if d.Kind() != ast.KindString {
				return d, nil
			}
			v, err := pyJSONLoads(env, pos, []ast.Value{d})
			if cls, ok := pyException(err); ok && excMatches(cls, []string{"ValueError"}) {
				return ast.ObjectOf(&ast.Object{}), nil
			}
			return v, err
		}),
		fixed("panther.deserialize_administrator_log_event_description", 1, "panther_duo_helpers.deserialize_administrator_log_event_description", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			desc := evGet(env, a[0], "description", s(""))
			if desc.Kind() != ast.KindString {
				return ast.Null, noAttr(pos, desc, "startswith")
			}
			str := desc.AsString()
			decode := func() (ast.Value, bool, error) {
				v, err := pyJSONLoads(env, pos, []ast.Value{desc})
				if cls, ok := pyException(err); ok && excMatches(cls, []string{"JSONDecodeError"}) {
					return ast.Null, false, nil
				}
				return v, err == nil, err
			}
			switch {
			case strings.HasPrefix(str, "{"):
				v, ok, err := decode()
				if err != nil || ok {
					return v, err
				}
			case strings.HasPrefix(str, "["):
				v, ok, err := decode()
				if err != nil {
					return v, err
				}
				if ok {
					return ast.ObjectOf(&ast.Object{Keys: []string{"items"}, Vals: []ast.Value{v}}), nil
				}
			}
			return ast.ObjectOf(&ast.Object{Keys: []string{"value"}, Vals: []ast.Value{desc}}), nil
		}),
		fixed("panther.filter_crowdstrike_fdr_event_type", 2, "panther_crowdstrike_fdr_helpers.filter_crowdstrike_fdr_event_type", func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			if !ast.Equal(evGet(env, a[0], "p_log_type", ast.Null), s("Crowdstrike.FDREvent")) {
				return ast.False, nil
			}
			return ast.Bool(!ast.Equal(evGet(env, a[0], "fdr_event_type", s("")), a[1])), nil
		}),
		fixed("panther.is_pull_request_event", 1, "panther_github_helpers.is_pull_request_event", func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			return ast.Bool(isPullRequest(env, a[0])), nil
		}),
		fixed("panther.github_reference_url", 1, "panther_github_helpers.github_reference_url", func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			ev := a[0]
			if isPullRequest(env, ev) {
				if u := evDeep(env, ev, ast.Null, "pull_request", "html_url"); u.Truth() {
					return u, nil
				}
			}
			if u := evGet(env, ev, "compare", ast.Null); u.Truth() {
				return u, nil
			}
			for _, p := range []string{"workflow_run", "repository"} {
				if u := evDeep(env, ev, ast.Null, p, "html_url"); u.Truth() {
					return u, nil
				}
			}
			return ast.Null, nil
		}),
		fixed("panther.is_k8s_log", 1, "panther_kubernetes_helpers.is_k8s_log", func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			lt := evGet(env, a[0], "p_log_type", s(""))
			switch {
			case ast.Equal(lt, s("GCP.AuditLog")):
				return ast.Bool(ast.Equal(evDeep(env, a[0], ast.Null, "protoPayload", "serviceName"), s("k8s.io"))), nil
			case ast.Equal(lt, s("Azure.MonitorActivity")):
				c := evGet(env, a[0], "category", s(""))
				return ast.Bool(ast.Equal(c, s("kube-audit")) || ast.Equal(c, s("kube-audit-admin"))), nil
			}
			return ast.Bool(ast.Equal(lt, s("Amazon.EKS.Audit"))), nil
		}),
	)
}

// pyContains is Python's `x in container` for str, list and dict.
func pyContains(env *Env, pos ast.Pos, x, container ast.Value) (bool, error) {
	switch container.Kind() {
	case ast.KindString:
		if x.Kind() != ast.KindString {
			return false, fail(pos, "TypeError: 'in <string>' requires string as left operand, not %s", pyType(x))
		}
		return strings.Contains(container.AsString(), x.AsString()), nil
	case ast.KindList:
		for _, e := range container.AsList() {
			if ast.Equal(x, e) {
				return true, nil
			}
		}
		return false, nil
	case ast.KindObject:
		if x.Kind() != ast.KindString {
			return false, hashable(pos, x)
		}
		_, ok := objGet(env, container.AsObject(), x.AsString())
		return ok, nil
	}
	return false, fail(pos, "TypeError: argument of type '%s' is not iterable", pyType(container))
}

// wafMatchesAnyGroup is any(group in value for group in rule_groups).
func wafMatchesAnyGroup(env *Env, pos ast.Pos, value ast.Value, groups []ast.Value) (bool, error) {
	for _, g := range groups {
		ok, err := pyContains(env, pos, g, value)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

func init() {
	s := ast.String
	register(
		fixed("panther.waf_rule_group_matches", 2, "panther_aws_helpers.waf_rule_group_matches", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			ev := a[0]
			groups := []ast.Value{a[1]}
			if a[1].Kind() != ast.KindString {
				var err error
				if groups, err = pyIter(pos, a[1]); err != nil {
					return ast.Null, err
				}
			}
			if ok, err := wafMatchesAnyGroup(env, pos, evGet(env, ev, "terminatingRuleId", s("")), groups); err != nil || ok {
				return ast.Bool(ok), err
			}
			list := func(key string) ([]ast.Value, error) {
				v := evGet(env, ev, key, ast.List())
				if !v.Truth() {
					return nil, nil
				}
				return pyIter(pos, v)
			}
			rules, err := list("nonTerminatingMatchingRules")
			if err != nil {
				return ast.Null, err
			}
			for _, r := range rules {
				id, err := objMethodGet(env, pos, r, "ruleId", s(""))
				if err != nil {
					return ast.Null, err
				}
				if ok, err := wafMatchesAnyGroup(env, pos, id, groups); err != nil || ok {
					return ast.Bool(ok), err
				}
			}
			rgs, err := list("ruleGroupList")
			if err != nil {
				return ast.Null, err
			}
			for _, g := range rgs {
				id, err := objMethodGet(env, pos, g, "ruleGroupId", s(""))
				if err != nil {
					return ast.Null, err
				}
				ok, err := wafMatchesAnyGroup(env, pos, id, groups)
				if err != nil {
					return ast.Null, err
				}
				if !ok {
					continue
				}
				term, err := objMethodGet(env, pos, g, "terminatingRule", ast.Null)
				if err != nil {
					return ast.Null, err
				}
				if !term.Truth() {
					term = ast.ObjectOf(&ast.Object{})
				}
				tid, err := objMethodGet(env, pos, term, "ruleId", ast.Null)
				if err != nil {
					return ast.Null, err
				}
				if tid.Truth() {
					return ast.True, nil
				}
				nts, err := objMethodGet(env, pos, g, "nonTerminatingMatchingRules", ast.List())
				if err != nil {
					return ast.Null, err
				}
				if nts.Truth() {
					items, err := pyIter(pos, nts)
					if err != nil {
						return ast.Null, err
					}
					for _, m := range items {
						mid, err := objMethodGet(env, pos, m, "ruleId", ast.Null)
						if err != nil {
							return ast.Null, err
						}
						if mid.Truth() {
							return ast.True, nil
						}
					}
				}
			}
			return ast.False, nil
		}),
		fixed("panther.anthropic_actor_id", 1, "panther_anthropic_helpers.anthropic_actor_id", func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			return orValue(evDeep(env, a[0], ast.Null, "actor", "email_address"),
				orValue(evDeep(env, a[0], ast.Null, "actor", "api_key_id"), evDeep(env, a[0], s("<UNKNOWN_ACTOR>"), "actor", "ip_address"))), nil
		}),
		ctxHelper("duo_alert_context",
			get("action", "action", s("<action_not_found>")), get("description", "description", s("<description_not_found>")),
			get("username", "username", s("<username_not_found>")), get("timestamp", "timestamp", s("<timestamp_not_found>"))),
	)
}

func init() {
	s := ast.String
	register(
		fixed("panther.waf_severity", 1, "panther_aws_helpers.waf_severity", func(env *Env, _ ast.Pos, a []ast.Value) (ast.Value, error) {
			action := evGet(env, a[0], "action", s(""))
			for _, p := range [][2]string{{"ALLOW", "CRITICAL"}, {"BLOCK", "HIGH"}, {"COUNT", "MEDIUM"}} {
				if ast.Equal(action, s(p[0])) {
					return s(p[1]), nil
				}
			}
			return s("DEFAULT"), nil
		}),
		fixed("panther.azure_rule_context", 1, "panther_msft_helpers.azure_rule_context", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			ev := a[0]
			o := buildCtx(env, ev, []ctxField{
				get("operationName", "operationName", s("<MISSING_OPERATION_NAME>")),
				deep("category", s("<MISSING_CATEGORY>"), "properties", "category"),
				deep("actor_id", s("<MISSING_ACTOR_ID"), "properties", "initiatedBy", "user", "id"),
				deep("actor_upn", s("<MISSING UPN>"), "properties", "initiatedBy", "user", "userPrincipalName"),
				deep("source_ip_address", s("<MISSING_SOURCE_IP>"), "properties", "initiatedBy", "user", "ipAddress"),
			})
			for _, f := range [][3]string{{"target_id", "id", "<MISSING_ACCOUNT_ID>"}, {"target_name", "displayName", "<MISSING UPN>"}} {
				v, err := pantherDeepWalk(env, pos, []ast.Value{ev, s("properties"), s("targetResources"), s(f[1])}, map[string]ast.Value{"default": s(f[2])})
				if err != nil {
					return ast.Null, err
				}
				o.Set(f[0], v)
			}
			return ast.ObjectOf(o), nil
		}),
	)
}

// wafGroups is _waf_normalize_groups (a str becomes a one-item list).
func wafGroups(pos ast.Pos, g ast.Value) ([]ast.Value, ast.Value, error) {
	if g.Kind() == ast.KindString {
		return []ast.Value{g}, ast.List(g), nil
	}
	items, err := pyIter(pos, g)
	return items, g, err
}

// wafMatchedID is _waf_rule_group_matched_id.
func wafMatchedID(env *Env, pos ast.Pos, group ast.Value) (ast.Value, error) {
	term, err := objMethodGet(env, pos, group, "terminatingRule", ast.Null)
	if err != nil {
		return ast.Null, err
	}
	if !term.Truth() {
		term = ast.ObjectOf(&ast.Object{})
	}
	if id, err := objMethodGet(env, pos, term, "ruleId", ast.Null); err != nil || id.Truth() {
		return id, err
	}
	nts, err := objMethodGet(env, pos, group, "nonTerminatingMatchingRules", ast.List())
	if err != nil || !nts.Truth() {
		return ast.Null, err
	}
	items, err := pyIter(pos, nts)
	if err != nil {
		return ast.Null, err
	}
	for _, m := range items {
		if id, err := objMethodGet(env, pos, m, "ruleId", ast.Null); err != nil || id.Truth() {
			return id, err
		}
	}
	return ast.Null, nil
}

// wafMatchedRule is waf_get_matched_rule.
func wafMatchedRule(env *Env, pos ast.Pos, ev ast.Value, groups []ast.Value) (ast.Value, error) {
	list := evGet(env, ev, "ruleGroupList", ast.List())
	if list.Truth() {
		items, err := pyIter(pos, list)
		if err != nil {
			return ast.Null, err
		}
		for _, g := range items {
			id, err := objMethodGet(env, pos, g, "ruleGroupId", ast.String(""))
			if err != nil {
				return ast.Null, err
			}
			ok, err := wafMatchesAnyGroup(env, pos, id, groups)
			if err != nil {
				return ast.Null, err
			}
			if !ok {
				continue
			}
			if m, err := wafMatchedID(env, pos, g); err != nil || m.Truth() {
				return m, err
			}
		}
	}
	return evGet(env, ev, "terminatingRuleId", ast.String("unknown")), nil
}

func init() {
	register(
		fixed("panther.waf_get_matched_rule", 2, "panther_aws_helpers.waf_get_matched_rule", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			groups, _, err := wafGroups(pos, a[1])
			if err != nil {
				return ast.Null, err
			}
			return wafMatchedRule(env, pos, a[0], groups)
		}),
		fixed("panther.waf_alert_context", 2, "panther_aws_helpers.waf_alert_context", func(env *Env, pos ast.Pos, a []ast.Value) (ast.Value, error) {
			ev := a[0]
			groups, groupsVal, err := wafGroups(pos, a[1])
			if err != nil {
				return ast.Null, err
			}
			req := evGet(env, ev, "httpRequest", ast.ObjectOf(&ast.Object{}))
			headers, err := objMethodGet(env, pos, req, "headers", ast.List())
			if err != nil {
				return ast.Null, err
			}
			hs, err := pyIter(pos, headers)
			if err != nil {
				return ast.Null, err
			}
			ua := ast.Null
			for _, h := range hs {
				name, err := objMethodGet(env, pos, h, "name", ast.String(""))
				if err != nil {
					return ast.Null, err
				}
				if name.Kind() != ast.KindString {
					return ast.Null, noAttr(pos, name, "lower")
				}
				if strings.ToLower(name.AsString()) == "user-agent" {
					if ua, err = objMethodGet(env, pos, h, "value", ast.Null); err != nil {
						return ast.Null, err
					}
					break
				}
			}
			o := &ast.Object{}
			o.Set("rule_groups", groupsVal)
			matched, err := wafMatchedRule(env, pos, ev, groups)
			if err != nil {
				return ast.Null, err
			}
			o.Set("matched_rule", matched)
			for _, f := range [][2]string{{"client_ip", "clientIp"}, {"country", "country"}, {"http_method", "httpMethod"}, {"uri", "uri"}} {
				v, err := objMethodGet(env, pos, req, f[1], ast.Null)
				if err != nil {
					return ast.Null, err
				}
				o.Set(f[0], v)
			}
			o.Set("user_agent", ua)
			for _, f := range [][2]string{{"action", "action"}, {"source", "httpSourceName"}, {"source_id", "httpSourceId"},
				{"terminating_rule_id", "terminatingRuleId"}, {"terminating_rule_type", "terminatingRuleType"}} {
				o.Set(f[0], evGet(env, ev, f[1], ast.Null))
			}
			if tm := evGet(env, ev, "terminatingRuleMatchDetails", ast.List()); tm.Truth() {
				items, err := pyIter(pos, tm)
				if err != nil {
					return ast.Null, err
				}
				var out []ast.Value
				for _, m := range items {
					d := &ast.Object{}
					for _, f := range [][2]string{{"condition_type", "conditionType"}, {"location", "location"}} {
						v, err := objMethodGet(env, pos, m, f[1], ast.Null)
						if err != nil {
							return ast.Null, err
						}
						d.Set(f[0], v)
					}
					v, err := objMethodGet(env, pos, m, "matchedData", ast.List())
					if err != nil {
						return ast.Null, err
					}
					d.Set("matched_strings", v)
					out = append(out, ast.ObjectOf(d))
				}
				o.Set("matched_data", ast.List(out...))
			}
			return ast.ObjectOf(o), nil
		}),
	)
}

// extractThreats is panther_proofpoint_helpers.extract_threats.
func extractThreats(env *Env, pos ast.Pos, ev ast.Value, withURL bool) (ast.Value, error) {
	items, err := pyIter(pos, evGet(env, ev, "threatsInfoMap", ast.List()))
	if err != nil {
		return ast.Null, err
	}
	var out []ast.Value
	for _, t := range items {
		d := &ast.Object{}
		for _, f := range [][2]string{{"threat", "<UNKNOWN_THREAT>"}, {"threatType", "<UNKNOWN_THREAT_TYPE>"},
			{"classification", "<UNKNOWN_CLASSIFICATION>"}, {"threatStatus", "<UNKNOWN_THREAT_STATUS>"}} {
			v, err := objMethodGet(env, pos, t, f[0], ast.String(f[1]))
			if err != nil {
				return ast.Null, err
			}
			d.Set(f[0], v)
		}
		if withURL {
			v, err := objMethodGet(env, pos, t, "threatUrl", ast.Null)
			if err != nil {
				return ast.Null, err
			}
			d.Set("threatUrl", v)
		}
		for _, k := range []string{"campaignID", "threatID"} {
			v, err := objMethodGet(env, pos, t, k, ast.Null)
			if err != nil {
				return ast.Null, err
			}
			if v.Truth() {
				d.Set(k, v)
			}
		}
		out = append(out, ast.ObjectOf(d))
	}
	return ast.List(out...), nil
}

func init() {
	s := ast.String
	register(
		withKw("panther.extract_threats", 1, 2, []string{"include_threat_url"}, "panther_proofpoint_helpers.extract_threats", func(env *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
			with := len(a) == 2 && a[1].Truth() || kw["include_threat_url"].Truth()
			return extractThreats(env, pos, a[0], with)
		}),
		withKw("panther.proofpoint_alert_context", 1, 2, []string{"include_threat_url"}, "panther_proofpoint_helpers.proofpoint_alert_context", func(env *Env, pos ast.Pos, a []ast.Value, kw map[string]ast.Value) (ast.Value, error) {
			with := len(a) == 2 && a[1].Truth() || kw["include_threat_url"].Truth()
			o := buildCtx(env, a[0], []ctxField{
				get("sender", "sender", s("<UNKNOWN_SENDER>")), get("senderIP", "senderIP", s("<UNKNOWN_IP>")),
				get("recipients", "recipient", ast.List()), get("subject", "subject", s("<UNKNOWN_SUBJECT>")),
				get("messageID", "messageID", s("<UNKNOWN_MESSAGE_ID>")),
				get("quarantineFolder", "quarantineFolder", s("<UNKNOWN_QUARANTINE_FOLDER>")),
				get("quarantineRule", "quarantineRule", s("<UNKNOWN_QUARANTINE_RULE>")),
				get("malwareScore", "malwareScore", ast.Int(0)), get("phishScore", "phishScore", ast.Int(0)),
			})
			threats, err := extractThreats(env, pos, a[0], with)
			if err != nil {
				return ast.Null, err
			}
			o.Set("threats", threats)
			return ast.ObjectOf(o), nil
		}),
	)
}
