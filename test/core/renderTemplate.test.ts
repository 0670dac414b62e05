import { describe, expect, it } from "vitest";
import { renderTemplate } from "../../src/core/renderTemplate.js";

const fields = {
  first_name: "Ada",
  "last name": "Lovelace",
  empty: "",
  media_url: ["https://a.example/1.png", "https://a.example/2.png"],
  body: "the column's body",
};

describe("renderTemplate", () => {
  it.each([
    ["no placeholders", "Hello", "Hello"],
    ["a name", "Hi {{first_name}}!", "Hi Ada!"],
    ["inner spaces", "Hi {{  first_name }}!", "Hi Ada!"],
    ["any case", "Hi {{First_Name}} {{FIRST_NAME}}", "Hi Ada Ada"],
    ["a name with a space", "{{ Last Name }}", "Lovelace"],
    ["an empty value", "[{{empty}}]", "[]"],
    ["a list", "{{media_url}}", "https://a.example/1.png, https://a.example/2.png"],
    ["the body column", "PS: {{body}}", "PS: the column's body"],
    ["braces that are not a placeholder", "{{ }} {x} {{", "{{ }} {x} {{"],
    ["a value holding braces is not re-rendered", "{{x}}", "{{first_name}}"],
  ])("%s", (_, template, text) => {
    const row = { ...fields, x: "{{first_name}}" };
    expect(renderTemplate(template, row)).toEqual({ ok: true, text });
  });

  it.each([
    ["one missing", "Hi {{nickname}}", ["nickname"]],
    ["each missing once, lower-cased, in order", "{{B}} {{a}} {{b}} {{first_name}}", ["b", "a"]],
    ["no inherited names", "{{constructor}} {{toString}}", ["constructor", "tostring"]],
  ])("%s", (_, template, missing) => {
    expect(renderTemplate(template, fields)).toEqual({ ok: false, missing });
  });
});
